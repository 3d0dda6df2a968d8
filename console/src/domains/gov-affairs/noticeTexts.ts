/**
 * The texts of the notices page (社区公告: audience by name, pinning, attachments, read
 * receipts) and of the welfare coverage (覆盖率), zh-CN first and en beside it; ./messages.ts
 * takes them in with the rest of gov-affairs.
 */
export const NOTICE_MESSAGES: Record<string, [zh: string, en: string]> = {
  "welfare.population": ["登记居民（人）", "Registered residents"],
  "welfare.coverage": ["覆盖率（每千名居民）", "Coverage (per 1,000 residents)"],
  "welfare.suppressedHint": ["居民不足5人的网格不显示人数和覆盖率", "Places of fewer than 5 residents show neither"],
  "notice.audience": ["发布范围", "For"],
  "notice.wholeCommunity": ["全社区", "The whole community"],
  "notice.buildings": ["楼栋（不选楼栋和网格即发布到全社区）", "Buildings (none, and no grid: the whole community)"],
  "notice.grids": ["网格", "Grids"],
  "notice.pinnedUntil": ["置顶至（不填则一直置顶）", "Pinned until (empty: until unpinned)"],
  "notice.pinnedTill": ["置顶至 {day}", "Pinned until {day}"],
  "notice.notPinned": ["否", "No"],
  "notice.attachments": ["附件", "Attachments"],
  "notice.addFile": ["上传附件", "Upload an attachment"],
  "notice.removeFile": ["移除", "Remove"],
  "notice.fileHint": ["PDF、JPEG 或 PNG，最多 20 个", "PDF, JPEG or PNG; up to 20"],
};
