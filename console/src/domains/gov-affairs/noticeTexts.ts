/**
 * The texts of the notices page (社区公告: audience by name, pinning, attachments, read
 * receipts) and of the welfare coverage (覆盖率), zh-CN first and en beside it; ./messages.ts
 * takes them in with the rest of gov-affairs.
 */
export const NOTICE_MESSAGES: Record<string, [zh: string, en: string]> = {
  "welfare.population": ["登记居民（人）", "Registered residents"],
  "welfare.coverage": ["覆盖率（每千名居民）", "Coverage (per 1,000 residents)"],
  "welfare.suppressedHint": ["居民不足5人的网格不显示人数和覆盖率", "Places of fewer than 5 residents show neither"],
};
