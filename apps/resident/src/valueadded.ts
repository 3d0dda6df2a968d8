/**
 * Value-added services (增值服务) from the care service: the community's offers with their
 * price (recorded by care, paid to the provider), booked for the resident or family in
 * their care, followed (booked → confirmed → done), rated once when done.
 */
import type { Schemas } from "@sc/client";
import { api, must } from "@/api";

export type Offer = Schemas["ServiceOfferRead"];
export type Order = Schemas["ServiceOrderRead"];

export const DAYS = ["tomorrow", "in2", "in7"] as const;
export type Day = (typeof DAYS)[number];

/** The day chosen, at 9:00 local time. */
export function dayAt(day: Day, now = new Date()): string {
  const at = new Date(now);
  at.setDate(at.getDate() + (day === "tomorrow" ? 1 : day === "in2" ? 2 : 7));
  at.setHours(9, 0, 0, 0);
  return at.toISOString();
}

export async function offers(communityId: string): Promise<Offer[]> {
  const query = { community_id: communityId, limit: 50, offset: 0 };
  const page = must(await api.GET("/api/v1/care/service-offers", { params: { query } }));
  return page.items.filter((o) => o.active);
}

export async function orders(): Promise<Order[]> {
  return must(await api.GET("/api/v1/care/service-orders", { params: { query: { limit: 20, offset: 0 } } })).items;
}

export async function book(offerId: string, personId: string, at: string): Promise<Order> {
  return must(
    await api.POST("/api/v1/care/service-offers/{offer_id}/orders", {
      params: { path: { offer_id: offerId } },
      body: { person_id: personId, at, note: null },
    }),
  );
}

export async function rate(orderId: string, rating: number, comment: string): Promise<Order> {
  return must(
    await api.POST("/api/v1/care/service-orders/{order_id}/rating", {
      params: { path: { order_id: orderId } },
      body: { rating, comment: comment.trim() || null },
    }),
  );
}

export async function cancelOrder(orderId: string): Promise<Order> {
  return must(
    await api.POST("/api/v1/care/service-orders/{order_id}/{action}", {
      params: { path: { order_id: orderId, action: "cancel" } },
    }),
  );
}
