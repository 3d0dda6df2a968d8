/**
 * The care pages' enum values in words, zh-CN and en (../../i18n/enums.ts takes them in with
 * the rest): kinds of vital signs, how a reader sees a record, visits and their outcomes.
 */
type Entry = [zh: string, en: string, tag?: "primary" | "success" | "info" | "warning" | "danger"];

export const CARE_ENUMS: Record<string, Record<string, Entry>> = {
  // mutual aid (邻里互助)
  careHelpStatus: {
    open: ["待接单", "Waiting for a helper", "warning"],
    taken: ["已接单", "Taken", "primary"],
    done: ["已完成", "Done", "success"],
    cancelled: ["已取消", "Cancelled", "info"],
    expired: ["已过期", "Expired", "danger"],
  },
  // value-added services (增值服务)
  careServiceKind: {
    post_op_care: ["术后护理", "Post-operative care"],
    legal: ["法律咨询", "Legal advice"],
    psychological: ["心理疏导", "Psychological support"],
    housekeeping: ["家政服务", "Housekeeping"],
    meals: ["助餐送餐", "Meals"],
  },
  careServicePriceUnit: {
    per_visit: ["按次", "Per visit"],
    per_hour: ["按小时", "Per hour"],
    per_session: ["按疗程", "Per course"],
  },
  careBookingStatus: {
    booked: ["待确认", "Awaiting confirmation", "warning"],
    confirmed: ["已确认", "Confirmed", "primary"],
    done: ["已完成", "Done", "success"],
    rated: ["已评价", "Rated", "success"],
    cancelled: ["已取消", "Cancelled", "info"],
  },
  // CAP 1.2 (预警): how soon, how bad, how sure
  capUrgency: {
    Immediate: ["立即行动", "Act now", "danger"],
    Expected: ["即将发生（1小时内行动）", "Expected (act within the hour)", "warning"],
    Future: ["近期可能发生", "In the near future", "info"],
    Past: ["已过去", "Past", "info"],
    Unknown: ["未知", "Unknown", "info"],
  },
  capSeverity: {
    Extreme: ["特别严重（红色）", "Extreme (red)", "danger"],
    Severe: ["严重（橙色）", "Severe (orange)", "danger"],
    Moderate: ["较重（黄色）", "Moderate (yellow)", "warning"],
    Minor: ["一般（蓝色）", "Minor (blue)", "info"],
    Unknown: ["未知", "Unknown", "info"],
  },
  capCertainty: {
    Observed: ["已发生", "Observed"],
    Likely: ["很可能", "Likely"],
    Possible: ["有可能", "Possible"],
    Unlikely: ["不太可能", "Unlikely"],
    Unknown: ["未知", "Unknown"],
  },
  vitalKind: {
    blood_pressure: ["血压", "Blood pressure"],
    heart_rate: ["心率", "Heart rate"],
    glucose: ["血糖", "Blood glucose"],
    spo2: ["血氧饱和度", "Blood oxygen (SpO2)"],
    temperature: ["体温", "Body temperature"],
    weight: ["体重", "Weight"],
  },
  vitalSource: {
    manual: ["手工录入", "Entered by hand"],
    device: ["设备上报", "From a device"],
  },
  careAccess: {
    self: ["本人", "The person themselves", "success"],
    guardian: ["监护人", "Guardian", "success"],
    grant: ["本人授权", "Shared with you", "primary"],
    emergency: ["紧急查看（已记录审计）", "Emergency read (audited)", "danger"],
    keeper: ["建档人", "Opened by you", "primary"],
  },
  careGender: {
    male: ["男", "Male"],
    female: ["女", "Female"],
    other: ["其他", "Other"],
    unknown: ["未说明", "Not stated"],
  },
  careRelation: {
    family: ["家属", "Family member"],
    doctor: ["医生", "Doctor"],
    caregiver: ["护理员", "Caregiver"],
    grid_worker: ["网格员", "Grid worker"],
    guardian: ["监护人", "Guardian"],
  },
  careCategory: {
    profile: ["基本信息", "Basic information"],
    vitals: ["生命体征", "Vital signs"],
    clinical: ["诊疗信息", "Clinical information"],
    assessments: ["量表评估", "Assessments"],
    visits: ["就诊与随访", "Visits"],
    whereabouts: ["位置与安全区域", "Whereabouts"],
    home_usage: ["家中用水用电", "Home water and power use"],
    childcare: ["托育", "Childcare"],
  },
  visitPurpose: {
    check_on: ["上门探视（独居老人关爱）", "Check-on visit (living alone)", "warning"],
    routine: ["家庭医生上门随访", "Family doctor's home visit", "primary"],
    follow_up: ["复诊随访", "Follow-up visit", "primary"],
  },
  visitStatus: {
    scheduled: ["待上门", "To visit", "warning"],
    done: ["已完成", "Done", "success"],
    missed: ["已错过", "Missed", "danger"],
    cancelled: ["已取消", "Cancelled", "info"],
  },
  assessmentStatus: {
    sent: ["待填写", "Waiting for answers", "warning"],
    answered: ["已完成", "Answered", "success"],
  },
  bookingCancel: {
    person: ["本人或家属取消", "Cancelled by the person or family"],
    stopped: ["医生停诊", "The doctor stopped the slot"],
  },
  visitOutcome: {
    well: ["一切安好", "All well", "success"],
    false_alarm: ["误报（一切安好，提醒有误）", "False alarm (all well, the alert was wrong)", "info"],
    needs_help: ["需要帮助（已安排）", "Needs help (arranged)", "danger"],
    unreachable: ["无人应答", "Nobody answered", "warning"],
  },
};
