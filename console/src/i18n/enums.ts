/**
 * One dictionary of the platform's enum values: the label a person reads (zh-CN, en) and the
 * colour of its tag. Tables, filters, forms and exports all take their labels from here, so
 * nobody ever reads a raw value such as `active_unack`.
 */
export type TagType = "primary" | "success" | "info" | "warning" | "danger";
import { CARE_ENUMS } from "@/domains/care/enums";
import { COMMERCE_ENUMS } from "@/domains/commerce/enums";
import { EVALUATION_ENUMS } from "@/domains/evaluation/enums";
import { GOV_ENUMS } from "@/domains/gov-affairs/enums";
import { LEGAL_PARTY_ENUMS } from "@/domains/gov-affairs/legalPartyTexts";
import { NOTIFICATION_ENUMS } from "@/domains/notification/enums";

type Entry = [zh: string, en: string, tag?: TagType];
type Dict = Record<string, Entry>;

export const ENUMS: Record<string, Dict> = {
  severity: {
    critical: ["紧急", "Critical", "danger"],
    major: ["重要", "Major", "warning"],
    minor: ["次要", "Minor", "primary"],
    warning: ["提示", "Warning", "info"],
    indeterminate: ["未定", "Indeterminate", "info"],
  },
  alarmStatus: {
    active_unack: ["未确认", "Active, unacknowledged", "danger"],
    active_ack: ["已确认", "Active, acknowledged", "warning"],
    cleared_unack: ["已清除未确认", "Cleared, unacknowledged", "info"],
    cleared_ack: ["已清除", "Cleared", "success"],
  },
  alarmType: {
    smoke: ["烟感告警", "Smoke"],
    emergency: ["紧急呼叫", "Emergency call"],
    fall: ["跌倒", "Fall"],
    sos: ["SOS 求助", "SOS"],
    device_offline: ["设备离线", "Device offline"],
    structure_unsafe: ["结构安全", "Structure unsafe"],
    water_tank_offline: ["水箱离线", "Water tank offline"],
    overheat: ["温度过高", "Overheat"],
    manual: ["人工上报", "Reported by hand"],
    no_mask: ["未佩戴口罩", "No mask"],
    fever: ["发热", "Fever"],
  },
  ruleKind: {
    threshold: ["阈值", "Threshold"],
    and: ["组合条件", "All conditions"],
    duration: ["持续", "Duration"],
    repeating: ["重复", "Repeating"],
    rate: ["变化率", "Rate of change"],
    inactivity: ["无数据/离线", "Inactivity / offline"],
  },
  conditionOp: {
    above: ["高于", "above"],
    below: ["低于", "below"],
    outside: ["超出范围", "outside"],
    between: ["在范围内", "between"],
    equals: ["等于", "equals"],
    not_equals: ["不等于", "not equal to"],
  },
  ruleAction: {
    open_work_order: ["派工单", "Open a work order"],
    notify: ["按预案通知", "Notify by plan"],
    broadcast: ["广播预警", "Broadcast"],
  },
  deviceStatus: {
    online: ["在线", "Online", "success"],
    offline: ["离线", "Offline", "info"],
  },
  commandStatus: {
    queued: ["排队中", "Queued", "info"],
    sent: ["已下发", "Sent", "primary"],
    succeeded: ["成功", "Succeeded", "success"],
    failed: ["失败", "Failed", "danger"],
    expired: ["已过期", "Expired", "warning"],
  },
  deviceType: {
    air_quality_sensor: ["空气质量传感器", "Air quality sensor"],
    environment_sensor: ["环境传感器", "Environment sensor"],
    water_quality_sensor: ["水质传感器", "Water quality sensor"],
    water_meter: ["水表", "Water meter"],
    electricity_meter: ["电表", "Electricity meter"],
    gas_meter: ["燃气表", "Gas meter"],
    smoke_detector: ["烟感探测器", "Smoke detector"],
    hydrant_pressure_sensor: ["消火栓水压传感器", "Hydrant pressure sensor"],
    manhole_cover: ["智能井盖", "Manhole cover"],
    street_light: ["路灯", "Street light"],
    elevator: ["电梯", "Elevator"],
    water_tank: ["水箱水泵", "Water tank"],
    supply_monitor: ["供水监测", "Supply monitor"],
    ev_charger: ["汽车充电桩", "EV charger"],
    ebike_charger: ["电动自行车充电桩", "E-bike charger"],
    waste_bin: ["智能垃圾桶", "Waste bin"],
    door_contact: ["门磁", "Door contact"],
    emergency_button: ["紧急按钮", "Emergency button"],
    wearable: ["穿戴设备", "Wearable"],
    structural_monitor: ["结构监测", "Structural monitor"],
    gate: ["门禁/道闸", "Gate"],
    edge_ai_camera: ["边缘 AI 摄像机", "Edge AI camera"],
    voice_speaker: ["广播音箱", "Speaker"],
    e_screen: ["电子屏", "E-screen"],
    edge_gateway: ["边缘网关", "Edge gateway"],
  },
  woStatus: {
    submitted: ["待受理", "Submitted", "danger"],
    accepted: ["已受理", "Accepted", "warning"],
    assigned: ["已派单", "Assigned", "warning"],
    in_progress: ["处理中", "In progress", "primary"],
    resolved: ["已解决", "Resolved", "success"],
    closed: ["已关闭", "Closed", "info"],
    reopened: ["已重开", "Reopened", "danger"],
    cancelled: ["已撤销", "Cancelled", "info"],
    rejected: ["已驳回", "Rejected", "info"],
  },
  woAction: {
    created: ["提交", "Submitted"],
    accept: ["受理", "Accepted"],
    assign: ["派单", "Assigned"],
    start: ["开始处理", "Started"],
    reply: ["图文回复", "Replied"],
    resolve: ["办结", "Resolved"],
    close: ["确认关闭", "Closed"],
    reopen: ["重开", "Reopened"],
    cancel: ["撤销", "Cancelled"],
    rate: ["评价", "Rated"],
    reject: ["驳回", "Rejected"],
    comment: ["补充说明", "Comment"],
    alarm_cleared: ["告警已清除", "Alarm cleared"],
    escalated: ["超时升级", "Escalated"],
  },
  priority: {
    urgent: ["紧急", "Urgent", "danger"],
    high: ["高", "High", "warning"],
    normal: ["普通", "Normal", "primary"],
    low: ["低", "Low", "info"],
  },
  role: {
    resident: ["业主/居民", "Resident"],
    tenant: ["租户", "Tenant"],
    visitor: ["访客", "Visitor"],
    family: ["家属", "Family member"],
    property_staff: ["物业员工", "Property staff"],
    property_manager: ["物业经理", "Property manager"],
    grid_worker: ["网格员", "Grid worker"],
    community_admin: ["社区管理员", "Community admin"],
    gov_officer: ["政务人员", "Government officer"],
    police: ["民警", "Police"],
    doctor: ["医生", "Doctor"],
    caregiver: ["护理员", "Caregiver"],
    merchant: ["商户", "Merchant"],
    volunteer: ["志愿者", "Volunteer"],
    integrator: ["对接方", "Integrator"],
    platform_admin: ["平台管理员", "Platform admin"],
    auditor: ["审计员", "Auditor"],
  },
  scopeType: {
    community: ["社区", "Community"],
    grid: ["网格", "Grid"],
    building: ["楼栋", "Building"],
    unit: ["单元", "Unit"],
    household: ["住户", "Household"],
    platform: ["全平台", "Whole platform"],
  },
  accountStatus: {
    active: ["正常", "Active", "success"],
    disabled: ["已停用", "Disabled", "info"],
    locked: ["已锁定", "Locked", "danger"],
  },
  relation: {
    owner: ["业主", "Owner"],
    family: ["家庭成员", "Family"],
    tenant: ["租户", "Tenant"],
  },
  gender: {
    male: ["男", "Male"],
    female: ["女", "Female"],
    M: ["男", "Male"],
    F: ["女", "Female"],
  },
  householdStatus: {
    active: ["在住", "Living there", "success"],
    dissolved: ["已注销", "Dissolved", "info"],
  },
  roomUsage: {
    residential: ["住宅", "Residential"],
    commercial: ["商铺", "Commercial"],
    office: ["办公", "Office"],
    other: ["其他", "Other"],
  },
  rentalStatus: {
    vacant: ["空置", "Vacant", "info"],
    owner_occupied: ["自住", "Owner-occupied", "success"],
    rented: ["出租", "Rented", "warning"],
    group_rental: ["群租", "Group rental", "danger"],
  },
  planType: {
    fire: ["火灾", "Fire"],
    public_health: ["公共卫生", "Public health"],
    power_failure: ["停电", "Power failure"],
    communication_failure: ["通信中断", "Communication failure"],
    flood: ["洪涝", "Flood"],
    typhoon: ["台风", "Typhoon"],
    earthquake: ["地震", "Earthquake"],
    gas_leak: ["燃气泄漏", "Gas leak"],
    other: ["其他", "Other"],
  },
  riskLevel: {
    low: ["低", "Low", "info"],
    medium: ["中", "Medium", "warning"],
    high: ["高", "High", "danger"],
    critical: ["极高", "Critical", "danger"],
  },
  warningLevel: {
    blue: ["蓝色预警", "Blue", "primary"],
    yellow: ["黄色预警", "Yellow", "warning"],
    orange: ["橙色预警", "Orange", "warning"],
    red: ["红色预警", "Red", "danger"],
  },
  specialCategory: {
    elderly_alone: ["独居老人", "Elderly living alone"],
    disabled: ["残障人士", "Disabled"],
    community_correction: ["社区矫正", "Community correction"],
    mental_health: ["精神障碍", "Mental health"],
    minor: ["未成年人", "Minor"],
    other: ["其他", "Other"],
  },
  keyPlaceKind: {
    nine_small: ["九小场所", "Small premises (九小)"],
    group_rental: ["群租房", "Group rental"],
    other: ["其他", "Other"],
  },
  department: {
    fire: ["消防", "Fire brigade"],
    police: ["公安", "Police"],
    traffic: ["交通", "Traffic"],
    justice: ["司法", "Justice"],
    weather: ["气象", "Weather"],
    civil_affairs: ["民政", "Civil affairs"],
    health: ["卫生健康", "Health"],
  },
  dispatchStatus: {
    routed: ["已转派", "Routed", "info"],
    acknowledged: ["已签收", "Acknowledged", "primary"],
    responding: ["处置中", "Responding", "warning"],
    done: ["已完成", "Done", "success"],
    declined: ["已退回", "Declined", "danger"],
  },
  incidentStatus: {
    open: ["处置中", "Open", "warning"],
    closed: ["已结案", "Closed", "success"],
  },
  channel: {
    inapp: ["站内信", "In-app"],
    push: ["推送", "Push"],
    sms: ["短信", "SMS"],
    voice: ["语音电话", "Voice call"],
    speaker: ["广播音箱", "Speaker"],
    screen: ["电子屏", "E-screen"],
  },
  outcome: {
    success: ["成功", "Success", "success"],
    failure: ["失败", "Failure", "danger"],
    denied: ["被拒绝", "Denied", "warning"],
  },
  energyKind: {
    electricity: ["用电", "Electricity"],
    water: ["用水", "Water"],
    gas: ["用气", "Gas"],
  },
  period: {
    day: ["按日", "By day"],
    month: ["按月", "By month"],
    year: ["按年", "By year"],
  },
  roundStatus: {
    scheduled: ["待巡更", "Scheduled", "info"],
    in_progress: ["巡更中", "In progress", "primary"],
    completed: ["已完成", "Completed", "success"],
    missed: ["有漏检", "Missed checkpoints", "danger"],
    closed: ["已结束", "Closed", "success"],
  },
  passStatus: {
    active: ["有效", "Active", "success"],
    not_yet_valid: ["未生效", "Not yet valid", "info"],
    expired: ["已过期", "Expired", "info"],
    used_up: ["已用完", "Used up", "warning"],
    revoked: ["已撤销", "Revoked", "danger"],
  },
  plateColor: {
    blue: ["蓝牌", "Blue plate", "primary"],
    yellow: ["黄牌", "Yellow plate", "warning"],
    green: ["绿牌（新能源）", "Green plate (new energy)", "success"],
    yellow_green: ["黄绿牌（新能源大型车）", "Yellow-green plate (large new-energy vehicle)", "success"],
    white: ["白牌", "White plate", "info"],
    black: ["黑牌", "Black plate", "info"],
  },
  merchantStatus: {
    pending: ["待审核", "Awaiting verification", "warning"],
    verified: ["已认证", "Verified", "success"],
    rejected: ["未通过", "Not verified", "danger"],
  },
  merchantCategory: {
    catering: ["餐饮", "Catering"],
    grocery: ["便利店与生鲜", "Groceries"],
    repair: ["家电与房屋维修", "Repairs"],
    housekeeping: ["家政服务", "Housekeeping"],
    laundry: ["洗衣", "Laundry"],
    hairdressing: ["美容美发", "Hairdressing"],
    pharmacy: ["药店", "Pharmacy"],
    education: ["教育培训", "Education"],
    real_estate: ["房屋中介", "Estate agency"],
    recycling: ["再生资源回收", "Recycling"],
    other: ["其他", "Other"],
  },
  listingKind: {
    rent: ["出租", "For rent", "primary"],
    sale: ["出售", "For sale", "success"],
  },
  listingStatus: {
    pending: ["待审核", "Awaiting review", "warning"],
    published: ["已发布", "Published", "success"],
    rejected: ["未通过", "Not approved", "danger"],
    withdrawn: ["已撤回", "Withdrawn", "info"],
  },
  passKind: {
    monthly: ["月卡车", "Monthly pass", "primary"],
    owner_permanent: ["业主车", "Owner's car", "success"],
    visitor: ["访客车", "Visitor", "warning"],
    temporary: ["临时车", "Temporary", "info"],
  },
  passageAction: {
    pass: ["放行", "Let through", "success"],
    pay: ["待缴费", "To pay", "warning"],
    refuse: ["拒绝", "Refused", "danger"],
  },
  passageDirection: {
    entry: ["入场", "Entry", "primary"],
    exit: ["出场", "Exit", "info"],
  },
  passageReason: {
    entry_monthly: ["月卡车入场", "Monthly pass, in"],
    entry_owner_permanent: ["业主车入场", "Owner's car, in"],
    entry_visitor: ["访客车入场", "Visitor, in"],
    entry_temporary: ["临时车入场", "Temporary car, in"],
    duplicate_read: ["重复识别", "Read again"],
    lot_full: ["车位已满", "Car park full"],
    plate_less_scan_qr: ["无牌车，请扫码", "No plate: scan the QR code"],
    watch_blacklist: ["黑名单车辆", "Blacklisted"],
    watch_stolen: ["被盗车辆", "Reported stolen"],
    watch_unpaid: ["欠费车辆", "Unpaid fees"],
    exit_pass_holder: ["有证车辆出场", "Pass holder, out"],
    exit_paid: ["已缴费出场", "Paid, out"],
    exit_free: ["免费时段内出场", "Free period, out"],
    exit_due: ["需缴费", "Fee due"],
    no_entry_record: ["无入场记录，请岗亭处理", "No entry record: the desk decides"],
  },
  capPeriod: {
    calendar_day: ["每自然日", "Per calendar day"],
    rolling_24h: ["每 24 小时", "Per 24 hours"],
  },
  nightMode: {
    unit: ["按时段计费", "Per period"],
    flat: ["包夜一口价", "Flat price per night"],
  },
  watchReason: {
    blacklist: ["黑名单", "Blacklist", "danger"],
    stolen: ["被盗车辆", "Stolen", "danger"],
    unpaid: ["欠费车辆", "Unpaid fees", "warning"],
  },
  payProvider: {
    wechat: ["微信支付", "WeChat Pay", "success"],
    alipay: ["支付宝", "Alipay", "primary"],
  },
  payChannel: {
    qr: ["扫码支付", "QR code"],
    mini_program: ["小程序", "Mini-program"],
    jsapi: ["公众号", "Official account"],
    h5: ["H5", "H5"],
    web: ["网页", "Web"],
    app: ["App", "App"],
  },
  payPurpose: {
    parking: ["停车费", "Parking"],
    property_bill: ["物业账单", "Property bill"],
    ev_charging: ["汽车充电", "EV charging"],
    ebike_charging: ["电动自行车充电", "E-bike charging"],
  },
  orderStatus: {
    created: ["待支付", "Awaiting payment", "info"],
    pending: ["支付中", "Paying", "warning"],
    succeeded: ["已支付", "Paid", "success"],
    failed: ["支付失败", "Failed", "danger"],
    closed: ["已关闭", "Closed", "info"],
  },
  refundState: {
    none: ["未退款", "Not refunded", "info"],
    partial: ["部分退款", "Partly refunded", "warning"],
    full: ["已全额退款", "Fully refunded", "danger"],
  },
  billStatus: {
    unpaid: ["待缴", "Unpaid", "warning"],
    paid: ["已缴", "Paid", "success"],
    waived: ["已减免", "Waived", "info"],
  },
  hallStatus: {
    needs_more: ["待补正材料", "Waiting for more material", "warning"],
    in_review: ["审核中", "In review", "primary"],
    approved: ["已办结（通过）", "Approved", "success"],
    rejected: ["未通过", "Not approved", "danger"],
    withdrawn: ["已撤回", "Withdrawn", "info"],
  },
  stepStatus: {
    waiting: ["未开始", "Not yet", "info"],
    active: ["办理中", "In progress", "primary"],
    approved: ["已通过", "Approved", "success"],
    rejected: ["未通过", "Rejected", "danger"],
    skipped: ["已跳过", "Skipped", "info"],
    returned: ["退回补正", "Returned for more material", "warning"],
  },
  welfareStatus: {
    active: ["享受中", "Receiving", "success"],
    suspended: ["暂停", "Suspended", "warning"],
    ended: ["已终止", "Ended", "info"],
  },
  welfareOutcome: {
    continue: ["继续享受", "Continues"],
    adjust: ["调整金额", "Adjust the amount"],
    suspend: ["暂停发放", "Suspend"],
    end: ["终止", "End"],
  },
  voteStatus: {
    open: ["表决中", "Open", "success"],
    closed: ["已结束", "Closed", "info"],
  },
  voteMatter: {
    ordinary: ["一般事项（过半数同意）", "Ordinary matter (more than half)"],
    special: ["特别事项（四分之三以上同意）", "Special matter (at least three-quarters)"],
  },
  activityStatus: {
    planned: ["策划中", "Planned", "info"],
    pending: ["待审核", "Awaiting approval", "warning"],
    approved: ["已审核", "Approved", "primary"],
    announced: ["报名中", "Open for sign-up", "success"],
    finished: ["已结束", "Finished", "info"],
    archived: ["已归档", "Archived", "info"],
    cancelled: ["已取消", "Cancelled", "danger"],
  },
  volunteerStatus: {
    applied: ["待认证", "Awaiting certification", "warning"],
    certified: ["已认证", "Certified", "success"],
    suspended: ["已暂停", "Suspended", "info"],
    left: ["已退出", "Left", "info"],
  },
  noticeStatus: {
    draft: ["草稿", "Draft", "info"],
    pending: ["待审核", "Awaiting approval", "warning"],
    published: ["已发布", "Published", "success"],
    withdrawn: ["已撤回", "Withdrawn", "danger"],
  },
  noticeCategory: {
    general: ["通知", "Notice"],
    outage: ["停水停电", "Water or power cut"],
    safety: ["安全提示", "Safety"],
    policy: ["政策宣传", "Policy"],
    service: ["办事指南", "Services"],
    event: ["活动预告", "Event"],
  },
  noticeRole: {
    resident: ["业主/居民", "Residents"],
    family: ["家属", "Family members"],
    tenant: ["租户", "Tenants"],
    property_staff: ["物业员工", "Property staff"],
    property_manager: ["物业经理", "Property managers"],
    grid_worker: ["网格员", "Grid workers"],
    community_admin: ["社区管理员", "Community admins"],
    gov_officer: ["政务人员", "Government officers"],
    police: ["民警", "Police"],
    volunteer: ["志愿者", "Volunteers"],
  },
  surveyStatus: {
    open: ["进行中", "Open", "success"],
    closed: ["已结束", "Closed", "info"],
  },
  surveyUnit: {
    person: ["每人一份", "Each person"],
    household: ["每户一份", "Each household"],
  },
  evaluationIndex: {
    gain: ["获得感", "Sense of gain", "primary"],
    security: ["安全感", "Sense of security", "success"],
    happiness: ["幸福感", "Happiness", "warning"],
  },
  bool: {
    true: ["是", "Yes", "success"],
    false: ["否", "No", "info"],
  },
  ...EVALUATION_ENUMS,
  ...COMMERCE_ENUMS,
  ...NOTIFICATION_ENUMS,
  ...CARE_ENUMS,
  ...GOV_ENUMS,
  ...LEGAL_PARTY_ENUMS,
};

export function enumEntry(dict: string, value: unknown): { zh: string; en: string; tag: TagType } {
  const entry = ENUMS[dict]?.[String(value)];
  if (entry) return { zh: entry[0], en: entry[1], tag: entry[2] ?? "info" };
  return { zh: "其他", en: "Other", tag: "info" };
}

export function enumLabel(dict: string, value: unknown, locale: string): string {
  if (value === null || value === undefined || value === "") return "—";
  const entry = enumEntry(dict, value);
  return locale.startsWith("zh") ? entry.zh : entry.en;
}

export function enumOptions(dict: string, locale: string): { value: string; label: string }[] {
  return Object.entries(ENUMS[dict] ?? {}).map(([value, e]) => ({
    value,
    label: locale.startsWith("zh") ? e[0] : e[1],
  }));
}

/** What an alarm is called: the dictionary's label of its type (in the reader's language)
 * when the type is known, else the title its rule gave it. */
export function alarmName(alarmType: string, title: string, locale: string): string {
  return ENUMS.alarmType[alarmType] ? enumLabel("alarmType", alarmType, locale) : title;
}
