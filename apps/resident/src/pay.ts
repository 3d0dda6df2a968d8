/**
 * Paying a property bill or a parking stay (parking-payment `/api/v1/payments/orders`): the
 * amount is always the service's (quoted from the bill or the stay), never the app's.
 *
 * - The mini-program pays with WeChat Pay JSAPI: the order's `pay` holds the parameters
 *   `uni.requestPayment` takes (signed by the service). WeChat wants the payer's openid:
 *   WeChat sign-in (identity, issue 31) keeps it on the device under `OPENID_KEY`.
 * - H5 shows the order's payment QR code (WeChat Pay Native `code_url`, Alipay precreate
 *   `qr_code`): the resident scans it with WeChat or Alipay (in development: the local
 *   simulators, whose `/sim/pay` is the payer).
 *
 * Either way the page then follows the order until the provider's result has reached the
 * service (its callback, or its own query): succeeded, failed or closed.
 */
import type { Schemas } from "@sc/client";
import { api, must } from "@/api";
import { IS_MP } from "@/platform";

export type Order = Schemas["OrderRead"];
export type Purpose = "property_bill" | "parking" | "ev_charging";
export type Provider = "wechat" | "alipay";

export const OPENID_KEY = "sc-app-wechat-openid";
/** What the mini-program can pay with (Alipay is not offered inside WeChat). */
export const PROVIDERS: Provider[] = IS_MP ? ["wechat"] : ["wechat", "alipay"];
export const FINAL = ["succeeded", "failed", "closed"];

/** A fresh key for one payment attempt: a retry of the same attempt (a slow network) gets
 * the first order back instead of a second one. */
export function attemptKey(): string {
  const random = Math.random().toString(36).slice(2, 12);
  return `app-${Date.now().toString(36)}-${random}`;
}

export async function createOrder(purpose: Purpose, targetId: string, provider: Provider, key: string): Promise<Order> {
  const openid = IS_MP ? uni.getStorageSync(OPENID_KEY) : "";
  return must(
    await api.POST("/api/v1/payments/orders", {
      params: { header: { "Idempotency-Key": key } },
      body: {
        purpose,
        target_id: targetId,
        provider,
        channel: IS_MP ? "mini_program" : "qr",
        payer: typeof openid === "string" && openid ? openid : null,
      },
    }),
  );
}

export async function getOrder(id: string): Promise<Order> {
  return must(await api.GET("/api/v1/payments/orders/{order_id}", { params: { path: { order_id: id } } }));
}

/** The QR code's content of an H5 order. */
export function qrOf(order: Order): string {
  const pay = order.pay as Record<string, unknown>;
  return String(pay.code_url ?? pay.qr_code ?? "");
}

/** The mini-program's pay sheet; resolves true when the resident paid, false when they
 * closed it (the order stays open until it expires). */
export function requestPayment(order: Order): Promise<boolean> {
  const pay = order.pay as Record<string, string>;
  return new Promise((resolve, reject) => {
    uni.requestPayment({
      provider: "wxpay",
      orderInfo: "",
      timeStamp: pay.timeStamp,
      nonceStr: pay.nonceStr,
      package: pay.package,
      signType: pay.signType,
      paySign: pay.paySign,
      success: () => resolve(true),
      fail: (e: { errMsg?: string }) =>
        String(e.errMsg ?? "").includes("cancel") ? resolve(false) : reject(new TypeError(e.errMsg)),
    });
  });
}
