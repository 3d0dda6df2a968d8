/**
 * 法律服务 (legal services, 6.5.4) from gov-affairs: the community lawyers' free consultation
 * slots (free, or a fee in yuan recorded and paid to the lawyer, never charged here), booked
 * with the matter and the question, my bookings (cancel before the start, rate once when
 * done), and the legal education notices (普法宣传, notices of the category `legal`).
 */
import type { Schemas } from "@sc/client";
import { api, must } from "@/api";

export type Slot = Schemas["LegalSlotRead"];
export type Booking = Schemas["LegalBookingRead"];
export type Topic = Schemas["LegalBookingCreate"]["topic"];

/** The matters a consultation is about, in the order the form offers them. */
export const TOPICS: Topic[] = ["neighbours", "housing", "family", "labour", "contract", "inheritance", "consumer", "other"];

export async function freeSlots(communityId: string): Promise<Slot[]> {
  const query = { community_id: communityId, free_only: true, limit: 50, offset: 0 };
  const page = must(await api.GET("/api/v1/legal/slots", { params: { query } }));
  return page.items.filter((s) => !s.withdrawn && !s.taken);
}

export async function myBookings(): Promise<Booking[]> {
  const query = { limit: 50, offset: 0 };
  const page = must(await api.GET("/api/v1/legal/bookings", { params: { query } }));
  return page.items.filter((b) => b.mine);
}

export async function book(slotId: string, topic: Topic, question: string): Promise<Booking> {
  return must(
    await api.POST("/api/v1/legal/slots/{slot_id}/bookings", {
      params: { path: { slot_id: slotId } },
      body: { topic, question: question.trim() },
    }),
  );
}

export async function cancel(bookingId: string): Promise<Booking> {
  return must(
    await api.POST("/api/v1/legal/bookings/{booking_id}/cancel", {
      params: { path: { booking_id: bookingId } },
      body: { reason: "" },
    }),
  );
}

export async function rate(bookingId: string, stars: number, comment: string): Promise<Booking> {
  return must(
    await api.POST("/api/v1/legal/bookings/{booking_id}/rating", {
      params: { path: { booking_id: bookingId } },
      body: { stars, comment: comment.trim() },
    }),
  );
}

/** 普法宣传: the community's legal education notices for me, the latest first. */
export async function lessons() {
  const query = { category: "legal" as const, limit: 10, offset: 0 };
  return must(await api.GET("/api/v1/notices", { params: { query } })).items;
}
