/**
 * The family's view of a person's care (家人关怀) and childcare for guardians (托育), from
 * the care service: whose care data the resident may see by consent, each one's latest
 * vital signs against their ranges (in words, from care), recent alerts (breach episodes
 * and falls) and upcoming appointments; the resident's children at nursery, their days
 * (check-in, temperature, check-out) and the nursery's notes.
 */
import type { Schemas } from "@sc/client";
import { api, must } from "@/api";
import { locale } from "@/i18n";

export type Member = Schemas["FamilyMember"];
export type Latest = Schemas["LatestVital"];
export type Booking = Schemas["BookingRead"];
export type ChildDay = Schemas["ChildDayRead"];
export type ChildNote = Schemas["ChildNoteRead"];

/** One alert of a person: a breach episode or a fall, newest first, in words. */
export interface Alert {
  id: string;
  kind: "breach" | "fall";
  at: string;
  zh: string;
  en: string;
  open: boolean; // a breach still outside the range, a fall not yet handled
}

export interface Person {
  member: Member;
  latest: Latest[] | null; // null: the consent does not cover vitals
  alerts: Alert[] | null;
  bookings: Booking[] | null; // null: the consent does not cover visits
}

const ALERTS = 5;

/** A text care sends in both languages, in the chosen one. */
export function both(zh: string, en: string): string {
  return locale.value === "en" ? en || zh : zh;
}

async function person(member: Member, now: number): Promise<Person> {
  const path = { person_id: member.id };
  const vitals = member.shared.includes("vitals");
  const visits = member.shared.includes("visits");
  const [latest, breaches, falls, bookings] = await Promise.all([
    vitals ? api.GET("/api/v1/care/people/{person_id}/vitals/latest", { params: { path } }) : null,
    vitals
      ? api.GET("/api/v1/care/people/{person_id}/breaches", { params: { path, query: { limit: ALERTS, offset: 0 } } })
      : null,
    vitals
      ? api.GET("/api/v1/care/people/{person_id}/falls", { params: { path, query: { limit: ALERTS, offset: 0 } } })
      : null,
    visits
      ? api.GET("/api/v1/care/bookings", { params: { query: { person_id: member.id, limit: 50, offset: 0 } } })
      : null,
  ]);
  let alerts: Alert[] | null = null;
  if (breaches && falls) {
    const b: Alert[] = must(breaches).items.map((x) => ({
      id: x.id, kind: "breach", at: x.opened_at, zh: x.words_zh, en: x.words_en, open: !x.closed_at,
    }));
    const f: Alert[] = must(falls).items.map((x) => ({
      id: x.alarm_id, kind: "fall", at: x.first_at, zh: `跌倒 · ${x.status_zh}`,
      en: `Fall · ${x.status_en}`, open: x.status !== "cleared",
    }));
    alerts = [...b, ...f].sort((x, y) => y.at.localeCompare(x.at)).slice(0, ALERTS);
  }
  const upcoming = bookings
    ? must(bookings)
        .items.filter((x) => x.status === "booked" && Date.parse(x.end) > now)
        .sort((x, y) => x.start.localeCompare(y.start))
    : null;
  return { member, latest: latest ? must(latest) : null, alerts, bookings: upcoming };
}

/** The people the resident may see (the first page of 20) with what each consent covers. */
export async function loadFamily(): Promise<Person[]> {
  const found = must(await api.GET("/api/v1/care/family", { params: { query: { limit: 20, offset: 0 } } }));
  const now = Date.now();
  return Promise.all(found.items.map((m) => person(m, now)));
}

export interface Child {
  child: Schemas["ChildRead"];
  nursery: Schemas["NurseryRead"] | null;
  days: ChildDay[];
  notes: ChildNote[];
}

/** The resident's children at nursery (she is their guardian), each with the last week's
 * days and the latest notes. */
export async function loadChildren(): Promise<Child[]> {
  const page = { limit: 20, offset: 0 };
  const [children, nurseries] = await Promise.all([
    api.GET("/api/v1/care/children", { params: { query: page } }),
    api.GET("/api/v1/care/nurseries", { params: { query: page } }),
  ]);
  const byId = new Map(must(nurseries).items.map((n) => [n.id, n]));
  return Promise.all(
    must(children).items.map(async (child) => {
      const path = { child_id: child.id };
      const [days, notes] = await Promise.all([
        api.GET("/api/v1/care/children/{child_id}/days", { params: { path, query: { limit: 7, offset: 0 } } }),
        api.GET("/api/v1/care/children/{child_id}/notes", { params: { path, query: { limit: 10, offset: 0 } } }),
      ]);
      return { child, nursery: byId.get(child.nursery_id) ?? null, days: must(days).items, notes: must(notes).items };
    }),
  );
}

/** The guardian's check-in/out code as care issues it (two minutes, used once). */
export async function checkinCode(childId: string): Promise<Schemas["ChildQrRead"]> {
  return must(await api.GET("/api/v1/care/children/{child_id}/qr", { params: { path: { child_id: childId } } }));
}

/** Today in the community's calendar (Asia/Shanghai, as care counts a child's days). */
export function today(): string {
  const shanghai = new Date(Date.now() + 8 * 3600_000);
  return shanghai.toISOString().slice(0, 10);
}
