/**
 * Service points (便民服务网点) and booking their services (commerce): the community's points
 * (repair stations, agencies, recycling points), booking one's service at a time the
 * resident prefers (work-orders opens a maintenance case from it), and the household's
 * bookings with their state in words as the case moves (`status_label`).
 */
import type { Schemas } from "@sc/client";
import { api, must } from "@/api";
import { t } from "@/i18n";

export type ServicePoint = Schemas["ServicePointRead"];
export type Booking = Schemas["CommerceBookingRead"];
export type BookingsPage = Schemas["CommercePage_BookingRead_"];
export const BOOKINGS_PAGE = 10;

export async function servicePoints(): Promise<ServicePoint[]> {
  return must(await api.GET("/api/v1/commerce/service-points", { params: { query: { limit: 50, offset: 0 } } })).items;
}

export async function myBookings(offset: number): Promise<BookingsPage> {
  return must(
    await api.GET("/api/v1/commerce/bookings", { params: { query: { limit: BOOKINGS_PAGE, offset } } }),
  );
}

export async function book(point: string, service: string, at: Date, household: string | null): Promise<Booking> {
  return must(
    await api.POST("/api/v1/commerce/service-points/{point_id}/bookings", {
      params: { path: { point_id: point } },
      body: { service, preferred_at: at.toISOString(), household_id: household },
    }),
  );
}

/** The times offered: tomorrow and the day after, morning (9:00) and afternoon (14:00). */
export const SLOTS = ["d1am", "d1pm", "d2am", "d2pm"] as const;
export type Slot = (typeof SLOTS)[number];

export function slotTime(slot: Slot, now = new Date()): Date {
  const at = new Date(now);
  at.setDate(at.getDate() + (slot.startsWith("d1") ? 1 : 2));
  at.setHours(slot.endsWith("am") ? 9 : 14, 0, 0, 0);
  return at;
}

export function slotText(slot: Slot): string {
  return t(`bookings.slot.${slot}`);
}

export function bookingTag(status: string): "primary" | "success" | "warning" | "default" {
  if (status === "closed") return "success";
  if (status === "resolved") return "warning";
  if (status === "rejected" || status === "cancelled") return "default";
  return "primary";
}
