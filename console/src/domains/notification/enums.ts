/**
 * The notification pages' enum values in words, zh-CN and en (../../i18n/enums.ts takes
 * them in with the rest): a delivery's state as the sender reads it.
 */
type Entry = [zh: string, en: string, tag?: "primary" | "success" | "info" | "warning" | "danger"];

export const NOTIFICATION_ENUMS: Record<string, Record<string, Entry>> = {
  deliveryStatus: {
    pending: ["等待发送", "Waiting to be sent", "info"],
    held: ["免打扰时段暂缓", "Held for quiet hours", "info"],
    sent: ["已发出，等待回执", "Sent, awaiting the answer", "primary"],
    delivered: ["已送达", "Delivered", "success"],
    read: ["已读", "Read", "success"],
    failed: ["未送达", "Not delivered", "danger"],
    expired: ["已超时", "Timed out", "warning"],
    suppressed: ["未发送", "Not sent", "info"],
  },
};
