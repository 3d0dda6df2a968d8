/**
 * The texts and enum words of the disability pages: the register of disability certificates
 * (残疾人证) and assistive devices (辅助器具), zh-CN first and en beside it. ./messages.ts and
 * ./enums.ts take them in with the rest of gov-affairs. The service's refusals (such as
 * disability.card_mismatch) come in its own words, in the caller's language.
 */
type TagType = "primary" | "success" | "info" | "warning" | "danger";
type Entry = [zh: string, en: string, tag?: TagType];

export const DISABILITY_MESSAGES: Record<string, [zh: string, en: string]> = {
  "menu.disability": ["残疾人证登记", "Disability certificates"],
  "menu.assistiveDevices": ["辅助器具", "Assistive devices"],

  "disability.register": ["残疾人证登记", "Register of disability certificates"],
  "disability.holder": ["持证人", "Holder"],
  "disability.number": ["残疾人证号", "Certificate number"],
  "disability.numberHint": ["20 位：身份证号 + 残疾类别（1-7）+ 等级（1-4）", "20 characters: the ID number, the category (1-7) and the grade (1-4)"],
  "disability.newNumber": ["新的残疾人证号（类别或等级重新评定时填写）", "A new certificate number (when re-assessed)"],
  "disability.category": ["残疾类别", "Category"],
  "disability.grade": ["残疾等级", "Grade"],
  "disability.validUntil": ["有效期至", "Valid until"],
  "disability.validity": ["证件状态", "Validity"],
  "disability.phone": ["联系电话", "Phone"],
  "disability.record": ["登记残疾人证", "Register a certificate"],
  "disability.edit": ["更新登记", "Update"],
  "disability.reveal": ["查看明文", "Reveal"],
  "disability.revealTitle": ["查看明文：{name}", "Reveal: {name}"],
  "disability.revealField": ["要查看的内容", "What to reveal"],
  "disability.purpose": ["查看原因", "Purpose"],
  "disability.purposeHint": ["例如：核实补贴申请（至少 4 个字）", "For example: checking a subsidy application (at least 4 characters)"],
  "disability.auditHint": [
    "查看明文将记入审计日志：您的账号、查看的内容、原因和时间。请仅在工作需要时查看。",
    "Revealing is kept in the audit trail: your account, what you revealed, why and when. Reveal only what your work needs.",
  ],
  "disability.revealed": ["明文（关闭窗口后不再显示）", "In clear (gone when this dialog closes)"],
  "disability.noGrid": ["未划网格", "No grid"],
  "disability.pickGrid": ["选择网格（可不选）", "Pick a grid (optional)"],
  "disability.allGrids": ["全部网格", "All grids"],
  "disability.stats": ["残疾人服务统计", "Disability support in numbers"],
  "disability.byGrid": ["按网格", "By grid"],
  "disability.byCommunity": ["按社区", "By community"],
  "disability.place": ["网格 / 社区", "Grid / community"],
  "disability.holders": ["有效持证人数", "Valid certificates"],
  "disability.expired": ["已过期", "Expired"],
  "disability.byCategory": ["按类别", "By category"],
  "disability.byGrade": ["按等级", "By grade"],
  "disability.devices": ["辅助器具", "Assistive devices"],
  "disability.registered": ["已登记", "Registered"],
  "disability.updated": ["登记已更新", "Updated"],

  "assistive.applications": ["辅助器具申请", "Assistive device applications"],
  "assistive.mine": ["我的辅助器具申请", "My assistive device applications"],
  "assistive.apply": ["申请辅助器具", "Apply for a device"],
  "assistive.type": ["器具", "Device"],
  "assistive.reason": ["申请理由", "Why it is needed"],
  "assistive.mode": ["方式", "How given"],
  "assistive.appliedAt": ["申请时间", "Applied"],
  "assistive.issuedOn": ["发放日期", "Issued on"],
  "assistive.replaceBy": ["应更换日期", "Replace by"],
  "assistive.returnedOn": ["归还日期", "Returned on"],
  "assistive.note": ["审核意见", "Decision note"],
  "assistive.household": ["申请家庭", "Household"],
  "assistive.approve": ["批准", "Approve"],
  "assistive.approveConfirm": ["批准这份{device}申请？", "Approve this application for a {device}?"],
  "assistive.refuse": ["不予批准", "Refuse"],
  "assistive.refuseReason": ["请填写不予批准的理由（将告知申请人）", "Why is it refused? (the applicant is told)"],
  "assistive.reasonRequired": ["请填写理由", "Give a reason"],
  "assistive.issue": ["发放 / 出借", "Issue or lend"],
  "assistive.issueTitle": ["发放或出借：{device}", "Issue or lend: {device}"],
  "assistive.issuedOnHint": ["不填为今天", "Default: today"],
  "assistive.replaceByHint": ["不填按器具通常使用年限计算", "Default: the device's usual life"],
  "assistive.return": ["登记归还", "Record the return"],
  "assistive.returnConfirm": ["登记{device}已归还？", "Record the {device} as returned?"],
  "assistive.done": ["已保存，当前状态：{status}", "Saved: now {status}"],
  "assistive.applied": ["申请已提交，请等待街道审核", "Applied: the street office will decide"],
};

export const DISABILITY_ENUMS: Record<string, Record<string, Entry>> = {
  disabilityCategory: {
    "1": ["视力残疾", "Visual"],
    "2": ["听力残疾", "Hearing"],
    "3": ["言语残疾", "Speech"],
    "4": ["肢体残疾", "Physical"],
    "5": ["智力残疾", "Intellectual"],
    "6": ["精神残疾", "Mental"],
    "7": ["多重残疾", "Multiple"],
  },
  disabilityGrade: {
    "1": ["一级", "Grade 1"],
    "2": ["二级", "Grade 2"],
    "3": ["三级", "Grade 3"],
    "4": ["四级", "Grade 4"],
  },
  // the register's "expired" flag
  certificateExpired: {
    false: ["有效", "Valid", "success"],
    true: ["已过期", "Expired", "danger"],
  },
  revealField: {
    certificate_number: ["残疾人证号", "Certificate number"],
    name: ["姓名", "Name"],
    id_number: ["身份证号", "ID number"],
    phone: ["联系电话", "Phone"],
  },
  assistiveType: {
    wheelchair: ["轮椅", "Wheelchair"],
    hearing_aid: ["助听器", "Hearing aid"],
    walker: ["助行器", "Walking frame"],
    white_cane: ["盲杖", "White cane"],
    prosthesis: ["假肢", "Prosthesis"],
    orthosis: ["矫形器", "Orthosis"],
    crutches: ["拐杖", "Crutches"],
    magnifier: ["助视器", "Low-vision magnifier"],
    commode_chair: ["坐便椅", "Commode chair"],
  },
  assistiveStatus: {
    applied: ["待审核", "Awaiting a decision", "warning"],
    approved: ["已批准，待发放", "Approved, to be issued", "primary"],
    refused: ["未获批准", "Refused", "danger"],
    issued: ["已发放", "Issued", "success"],
    on_loan: ["出借中", "On loan", "primary"],
    returned: ["已归还", "Returned", "info"],
  },
  assistiveMode: {
    grant: ["发放（无需归还）", "Given for good"],
    loan: ["出借（用完归还）", "Lent (to be returned)"],
  },
};
