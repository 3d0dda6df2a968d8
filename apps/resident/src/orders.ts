/**
 * The resident's payment history (我的支付记录, parking-payment `/api/v1/payments/my-orders`):
 * the orders she created, newest first, each said in words in the app's language: what it
 * paid for, the amount in yuan, its state and any refund. The service's own `description`
 * and `status_text` are zh-CN only, so the app words them from the purpose and the state.
 */
import type { Schemas } from "@sc/client";
import { api, must } from "@/api";
import { label, t, yuan } from "@/i18n";

export type PaidOrder = Schemas["OrderRead"];
export type OrdersPage = Schemas["Page_OrderRead_"];
export const ORDERS_PAGE = 20;

export async function myOrders(offset: number): Promise<OrdersPage> {
  return must(await api.GET("/api/v1/payments/my-orders", { params: { query: { limit: ORDERS_PAGE, offset } } }));
}

/** What the order paid for (物业费, 停车费, 充电费…). */
export function orderWhat(order: PaidOrder): string {
  return label("orderFor", order.purpose);
}

export function orderState(order: PaidOrder): string {
  return label("orderStatus", order.status);
}

/** The refund in words, or "" when none was asked for. */
export function orderRefund(order: PaidOrder): string {
  if (order.refund_state === "none") return "";
  const state = label("refundState", order.refund_state);
  return order.refunded > 0 ? t("orders.refunded", { state, amount: yuan(order.refunded) }) : state;
}

export function orderTag(order: PaidOrder): "success" | "warning" | "danger" | "default" {
  if (order.status === "succeeded") return order.refund_state === "none" ? "success" : "warning";
  if (order.status === "failed") return "danger";
  if (order.status === "closed") return "default";
  return "warning";
}
