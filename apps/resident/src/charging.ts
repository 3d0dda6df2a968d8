/**
 * EV charging (充电, parking-payment `/api/v1/charging`): start a pile by its code (scanned
 * in the mini-program, typed in H5), follow the charge the charger reports (energy and cost
 * so far, from its meter values), stop it, pay the bill (purpose `ev_charging`).
 */
import type { Schemas } from "@sc/client";
import { api, must } from "@/api";
import { t } from "@/i18n";

export type Charge = Schemas["EvChargeRead"];
export type ChargesPage = Schemas["Page_EvChargeRead_"];
export const CHARGES_PAGE = 10;

/** What a pile's QR code carries: its code, or a link with `cp=` / `code=`. */
export function pileCode(scanned: string): string {
  const text = scanned.trim();
  const inLink = /[?&](?:cp|code)=([^&#]+)/.exec(text);
  return (inLink ? decodeURIComponent(inLink[1]) : text).slice(0, 48);
}

export async function startCharging(code: string): Promise<void> {
  must(
    await api.POST("/api/v1/charging/charge-points/{charge_point}/start", {
      params: { path: { charge_point: code } },
      body: { connector: null },
    }),
  );
}

export async function stopCharging(id: number): Promise<void> {
  const r = await api.POST("/api/v1/charging/transactions/{transaction_id}/stop", {
    params: { path: { transaction_id: id } },
  });
  must(r);
}

export async function myCharges(offset: number, limit = CHARGES_PAGE): Promise<ChargesPage> {
  return must(await api.GET("/api/v1/charging/my-charges", { params: { query: { limit, offset } } }));
}

/** Energy in kWh (度) as a person reads it. */
export function kwh(wh: number): string {
  return t("charging.kwh", { n: (wh / 1000).toFixed(2) });
}

/** The pile's price per kWh (energy + service), in yuan. */
export function pricePerKwh(charge: Charge): string {
  return t("charging.price", { n: ((charge.energy_price + charge.service_fee) / 100).toFixed(2) });
}
