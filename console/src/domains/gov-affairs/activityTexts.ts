/**
 * The texts of the community activities pages (社区活动) beyond the list's own: the audience,
 * the venue's check-in code, the archive with its photos and the summary page; zh-CN first
 * and en beside it. ../../i18n/messages.ts takes them in with the rest.
 */
export const ACTIVITY_MESSAGES: Record<string, [zh: string, en: string]> = {
  "activity.audience": ["面向楼栋", "Audience (buildings)"],
  "activity.checkInCode": ["签到码", "Check-in code"],
  "activity.checkInHint": [
    "将此签到码制成二维码张贴在活动现场，已报名的居民在活动开始前半小时至结束扫码签到。",
    "Print this code as the venue's QR code: residents with a place scan it from half an hour before the start to the end.",
  ],
  "activity.archiveTitle": ["归档活动：{title}", "Archive: {title}"],
  "activity.photos": ["活动照片", "Photos"],
  "activity.addPhoto": ["上传照片", "Upload a photo"],
  "activity.photoLimit": ["最多 12 张 JPEG 或 PNG 照片，每张不超过 5 MB", "Up to 12 JPEG or PNG photos, 5 MB each"],
  "activity.noPhotos": ["没有照片", "No photos"],
  "activity.removePhoto": ["移除", "Remove"],
  "activity.comments": ["居民评价", "What residents said"],
  "activity.noComments": ["没有文字评价", "No comments"],
  "activity.figures": ["活动数据", "Figures"],
  "activity.back": ["返回活动列表", "Back to the activities"],
  "activity.done": ["知道了", "OK"],
  "activity.notes": ["归档说明", "Notes"],
};
