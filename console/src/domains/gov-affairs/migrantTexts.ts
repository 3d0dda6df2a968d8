/**
 * The texts and enum words of the migrants page (流动人口: 居住登记 and 居住证), zh-CN first
 * and en beside it; ./messages.ts and ./enums.ts take them in with the rest. The service's
 * refusals (such as permit.not_eligible, which names the conditions not met) come in its own
 * words, in the caller's language. Also the permit's end in words ("还有 12 天到期").
 */
type TagType = "primary" | "success" | "info" | "warning" | "danger";
type Entry = [zh: string, en: string, tag?: TagType];

export const MIGRANT_MESSAGES: Record<string, [zh: string, en: string]> = {
  "menu.migrants": ["流动人口与居住证", "Migrants and residence permits"],
  "migrant.registrations": ["居住登记", "Residence registrations"],
  "migrant.permits": ["居住证", "Residence permits"],
  "migrant.register": ["居住登记", "Register a migrant"],
  "migrant.name": ["姓名", "Name"],
  "migrant.idNumber": ["身份证号", "ID number"],
  "migrant.phone": ["手机号", "Mobile number"],
  "migrant.place": ["居住地址", "Where they live"],
  "migrant.origin": ["户籍地行政区划代码", "Division of household registration"],
  "migrant.originHint": ["6 位数字，如 410105", "6 digits, e.g. 410105"],
  "migrant.reason": ["居住事由", "Reason for living here"],
  "migrant.employer": ["工作单位", "Employer"],
  "migrant.movedIn": ["入住日期", "Moved in on"],
  "migrant.registeredOn": ["登记日期", "Registered on"],
  "migrant.leftOn": ["迁出日期", "Moved away on"],
  "migrant.current": ["仅在住人员", "Still living here only"],
  "migrant.permit": ["居住证", "Residence permit"],
  "migrant.noPermit": ["未申领", "None applied for"],
  "migrant.leave": ["登记迁出", "Record moving away"],
  "migrant.left": ["已登记迁出", "Moving away recorded"],
  "migrant.registered": ["已登记居住", "Registered"],
  "migrant.apply": ["申领居住证", "Apply for a permit"],
  "migrant.applyHint": ["在本地居住满半年，且符合以下条件之一", "Lived here half a year, and one of these"],
  "migrant.employed": ["合法稳定就业", "Stable employment"],
  "migrant.ownsOrRents": ["合法稳定住所", "Stable residence"],
  "migrant.studying": ["连续就读", "Continuous study"],
  "migrant.applied": ["居住证申请已受理", "The permit application is accepted"],
  "permit.number": ["居住证号", "Permit number"],
  "permit.status": ["状态", "Status"],
  "permit.issuedOn": ["签发日期", "Issued on"],
  "permit.validUntil": ["有效期至", "Valid until"],
  "permit.expiry": ["到期情况", "Expiry"],
  "permit.endorsements": ["签注次数", "Endorsements"],
  "permit.issue": ["签发", "Issue"],
  "permit.endorse": ["签注", "Endorse"],
  "permit.issued": ["居住证已签发", "The residence permit is issued"],
  "permit.endorsed": ["居住证已签注", "The residence permit is endorsed"],
  "permit.notIssued": ["待签发", "Not issued yet"],
  "permit.cancelledWords": ["已注销", "Cancelled"],
  "permit.expired": ["已过期", "Expired"],
  "permit.today": ["今天到期", "Expires today"],
  "permit.tomorrow": ["明天到期", "Expires tomorrow"],
  "permit.daysLeft": ["还有 {n} 天到期", "Expires in {n} days"],
  "problem.migrant.already_registered": ["此人已在本社区登记居住", "This person is already registered as living in the community"],
  "problem.migrant.not_found": ["没有这条居住登记", "No such registration"],
  "problem.migrant.already_left": ["此人已迁出", "The person has moved away"],
  "problem.migrant.left_before_moving_in": ["迁出日期早于入住日期", "The day of leaving is before the day of moving in"],
  "problem.permit.not_found": ["没有这张居住证", "No such residence permit"],
  "problem.permit.already_live": ["已有在办或有效的居住证", "A residence permit is already applied for or issued"],
};

export const MIGRANT_ENUMS: Record<string, Record<string, Entry>> = {
  migrantReason: {
    work: ["务工", "Work"],
    study: ["就学", "Study"],
    family: ["投亲", "Family"],
    business: ["经商", "Business"],
    other: ["其他", "Other"],
  },
  permitStatus: {
    applied: ["已受理", "Applied", "warning"],
    issued: ["有效", "Issued", "success"],
    lapsed: ["已失效（未签注）", "Lapsed (not endorsed)", "danger"],
    cancelled: ["已注销", "Cancelled", "info"],
  },
};

/** Today's date in China (YYYY-MM-DD), the day the service counts a permit's end by. */
export function chinaToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(now);
}

/** A permit's end in words, with the tag it shows in: "还有 12 天到期", "已过期" … */
export function permitExpiry(
  permit: { status: string; valid_until?: string | null },
  t: (key: string, values?: Record<string, unknown>) => string,
  today: string = chinaToday(),
): { text: string; tag: TagType } {
  if (permit.status === "cancelled") return { text: t("permit.cancelledWords"), tag: "info" };
  if (!permit.valid_until) return { text: t("permit.notIssued"), tag: "info" };
  const days = Math.round((Date.parse(permit.valid_until) - Date.parse(today)) / 86_400_000);
  if (permit.status === "lapsed" || days < 0) return { text: t("permit.expired"), tag: "danger" };
  if (days === 0) return { text: t("permit.today"), tag: "danger" };
  if (days === 1) return { text: t("permit.tomorrow"), tag: "danger" };
  return { text: t("permit.daysLeft", { n: days }), tag: days <= 30 ? "warning" : "success" };
}
