/**
 * Mutual aid (邻里互助) from the care service: an elder, or family acting for them by
 * consent, asks for help; neighbours of the community see the board (the elder's name
 * masked, no flat or phone) and one takes it, then sees name, flat and phone; the asker
 * confirms it was done and rates it, or cancels. Texts come from care in both languages.
 */
import type { Schemas } from "@sc/client";
import { api, must } from "@/api";

export type Help = Schemas["HelpRead"];
export type HelpKind = Help["kind"];
export type AidView = "asked" | "open" | "taken";
export type Member = Schemas["FamilyMember"];

/** The catalogue of help, in the order an elder reads it (care's HelpKind). */
export const HELP_KINDS: { kind: HelpKind; icon: string }[] = [
  { kind: "shopping", icon: "cart" },
  { kind: "accompany_hospital", icon: "heart" },
  { kind: "chat", icon: "chat" },
  { kind: "repair", icon: "tools" },
  { kind: "errand", icon: "gift" },
  { kind: "other", icon: "more" },
];

/** When the help is wanted: soon, or a part of today or tomorrow (local time). */
export const WHENS = ["soon", "afternoon", "tomorrowMorning", "tomorrowAfternoon"] as const;
export type When = (typeof WHENS)[number];

export function wantedAt(when: When, now = new Date()): string {
  const at = new Date(now);
  if (when === "soon") return new Date(now.getTime() + 30 * 60_000).toISOString();
  if (when.startsWith("tomorrow")) at.setDate(at.getDate() + 1);
  at.setHours(when.endsWith("orning") ? 9 : 15, 0, 0, 0);
  // this afternoon already begun: as soon as may be
  return at.getTime() > now.getTime() ? at.toISOString() : new Date(now.getTime() + 30 * 60_000).toISOString();
}

/** One page of requests: the caller's own (and their family's), the board, or taken. */
export async function requests(view: AidView, limit = 20): Promise<Schemas["Page_HelpRead_"]> {
  return must(await api.GET("/api/v1/care/help-requests", { params: { query: { view, limit, offset: 0 } } }));
}

/** Whom the resident may ask for: themselves (a care record of their own), the people
 * they are guardian of, and those whose consent covers their profile. */
export async function askFor(): Promise<Member[]> {
  const page = must(await api.GET("/api/v1/care/family", { params: { query: { limit: 20, offset: 0 } } }));
  return page.items.filter((m) => m.basis !== "grant" || m.shared.includes("profile"));
}

export async function ask(body: Schemas["HelpCreate"]): Promise<Help> {
  return must(await api.POST("/api/v1/care/help-requests", { body }));
}

export async function take(id: string): Promise<Help> {
  return must(await api.POST("/api/v1/care/help-requests/{request_id}/take", { params: { path: { request_id: id } } }));
}

export async function confirm(id: string, rating: number, thanks: string): Promise<Help> {
  return must(
    await api.POST("/api/v1/care/help-requests/{request_id}/confirm", {
      params: { path: { request_id: id } },
      body: { rating, thanks: thanks.trim() || null },
    }),
  );
}

export async function step(id: string, action: "release" | "cancel"): Promise<Help> {
  return must(
    await api.POST("/api/v1/care/help-requests/{request_id}/{action}", {
      params: { path: { request_id: id, action } },
    }),
  );
}
