/**
 * The texts of the notification pages' deliveries dialog, zh-CN first and en beside it;
 * ../../i18n/messages.ts takes them in with the rest.
 */
export const NOTIFICATION_MESSAGES: Record<string, [zh: string, en: string]> = {
  "delivery.show": ["送达情况", "Deliveries"],
  "delivery.title": ["各接收方的送达情况", "How each delivery went"],
  "delivery.recipient": ["接收方", "Recipient"],
  "delivery.channel": ["渠道", "Channel"],
  "delivery.status": ["状态", "State"],
  "delivery.reason": ["原因", "Reason"],
  "delivery.attempts": ["尝试次数", "Attempts"],
  "delivery.unknownReason": ["未能送达，原因未知", "Not delivered; the reason is not known"],
  "delivery.device": ["设备", "Device"],
  "delivery.none": ["还没有送达记录", "No deliveries yet"],
};
