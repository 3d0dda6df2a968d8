/**
 * The enum values of the gov-affairs pages for population checks, alteration requests and
 * training (the words the service gives in kind_name / status_name, kept here for filters,
 * tags and exports); ../../i18n/enums.ts takes them in with the rest.
 */
import { DISABILITY_ENUMS } from "./disabilityTexts";
import { MIGRANT_ENUMS } from "./migrantTexts";

type TagType = "primary" | "success" | "info" | "warning" | "danger";
type Entry = [zh: string, en: string, tag?: TagType];

export const GOV_ENUMS: Record<string, Record<string, Entry>> = {
  populationFlagKind: {
    unregistered_frequent: ["入住未登记", "Seen often, not registered", "warning"],
    absent_resident: ["离开未注销", "Registered, not seen", "primary"],
  },
  populationFlagStatus: {
    open: ["待处理", "Open", "danger"],
    in_progress: ["正在核查", "Being looked into", "warning"],
    resolved: ["已处置", "Resolved", "success"],
    closed: ["已关闭", "Closed", "info"],
  },
  flagResolution: {
    registered: ["已登记入住", "Registered as a resident"],
    moved_out_recorded: ["已办理迁出", "Moving out recorded"],
    visitor: ["访客", "A visitor"],
    staff_or_worker: ["工作人员或务工人员", "Staff or a worker"],
    false_alarm: ["误报", "A false alarm"],
    other: ["其他", "Other"],
  },
  flagAction: {
    open: ["发现线索", "Raised"],
    evidence: ["新增出入记录", "New passages"],
    assign: ["指派", "Assigned"],
    start: ["开始核查", "Started"],
    note: ["备注", "Note"],
    resolve: ["处置", "Resolved"],
    close: ["关闭", "Closed"],
    reopen: ["重新打开", "Reopened"],
  },
  alterationKind: {
    decoration: ["装修", "Decoration"],
    alteration: ["改建", "Alteration"],
    extension: ["扩建", "Extension"],
  },
  alterationStatus: {
    submitted: ["正在审核", "Awaiting approval", "warning"],
    approved: ["已批准", "Approved", "success"],
    rejected: ["未获批准", "Refused", "danger"],
    withdrawn: ["已撤回", "Withdrawn", "info"],
    in_works: ["正在施工", "Under way", "primary"],
    rectifying: ["正在整改", "Being put right", "warning"],
    inspected: ["已验收", "Inspected", "success"],
    archived: ["已归档", "Archived", "info"],
  },
  // the list's status filter: "open" is every request not yet finished (the room register's view)
  alterationFilter: {
    open: ["未办结（房屋显示）", "Open (shown on the room)"],
    submitted: ["正在审核", "Awaiting approval"],
    approved: ["已批准", "Approved"],
    rejected: ["未获批准", "Refused"],
    withdrawn: ["已撤回", "Withdrawn"],
    in_works: ["正在施工", "Under way"],
    rectifying: ["正在整改", "Being put right"],
    inspected: ["已验收", "Inspected"],
    archived: ["已归档", "Archived"],
  },
  inspectionPassed: {
    true: ["合格", "Passed", "success"],
    false: ["不合格，需整改", "Failed: to be put right", "danger"],
  },
  trainingAudience: {
    residents: ["居民安全教育", "Safety education for residents", "primary"],
    staff: ["工作人员培训", "Staff training", "warning"],
  },
  lessonKind: {
    article: ["图文", "Article"],
    images: ["图片", "Images"],
    video: ["视频链接", "Video link"],
    emergency_plan: ["应急预案", "Emergency plan"],
  },
  ...DISABILITY_ENUMS,
  ...MIGRANT_ENUMS,
};
