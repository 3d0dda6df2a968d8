/** The commerce service's enum labels for the service-point, recycling, order and offer
 * pages (zh-CN, en, tag colour), taken into the console's one dictionary
 * (../../i18n/enums.ts). Merchant and listing labels are there already. */
type Entry = [zh: string, en: string, tag?: "primary" | "success" | "info" | "warning" | "danger"];

export const COMMERCE_ENUMS: Record<string, Record<string, Entry>> = {
  servicePointKind: {
    repair_station: ["便民维修站", "Repair station", "primary"],
    recycling_point: ["再生资源回收点", "Recycling point", "success"],
    agency: ["服务机构", "Agency", "warning"],
  },
  // a booking is "requested" until work-orders accepts its case, then follows the case
  // (the same words as the service's, services/commerce/src/commerce/domain/bookings.py)
  bookingStatus: {
    requested: ["已预约，等待安排", "Booked, awaiting scheduling", "warning"],
    submitted: ["已提交，等待受理", "Submitted, awaiting acceptance", "warning"],
    accepted: ["已受理，等待派单", "Accepted, a provider is being assigned", "primary"],
    assigned: ["已派给服务商", "Assigned to the provider", "primary"],
    in_progress: ["服务中", "In progress", "primary"],
    resolved: ["已完成，请确认", "Done, please confirm", "success"],
    closed: ["已确认完成", "Done and confirmed", "success"],
    rejected: ["未受理", "Declined", "info"],
    reopened: ["已重新处理", "Reopened", "danger"],
    cancelled: ["已取消", "Cancelled", "info"],
  },
  recyclingCategory: {
    paper: ["废纸", "Paper"],
    plastic: ["塑料", "Plastic"],
    metal: ["金属", "Metal"],
    glass: ["玻璃", "Glass"],
    textile: ["旧衣物", "Textiles"],
    electronics: ["电子废弃物", "Electronics"],
  },
  shopOrderStatus: {
    placed: ["待商户接单", "Waiting for the shop", "warning"],
    accepted: ["商户已接单", "Accepted by the shop", "primary"],
    shipped: ["已发货", "On its way", "primary"],
    completed: ["已完成", "Completed", "success"],
    refused: ["商户已拒单", "Refused by the shop", "danger"],
    cancelled: ["已取消", "Cancelled", "info"],
  },
  shopOrderPaid: {
    true: ["已支付", "Paid", "success"],
    false: ["未支付", "Not paid", "info"],
  },
};
