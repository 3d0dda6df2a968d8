/** What the home page and the SOS page share: the household's place, raising an SOS. */
import type { paths, Schemas } from "@sc/client";
import { api, must } from "@/api";
import { t } from "@/i18n";

export type Household = Schemas["HouseholdSummary"];

/** The household's place as a person says it (its name, else its room's standard code). */
export function placeOf(h: Household | null): string {
  if (!h) return "";
  return h.name || h.room_standard_code || t("home.noPlace");
}

/** Statuses of a case still being worked on (the list's "open" filter). */
type CaseQuery = NonNullable<paths["/api/v1/work-orders"]["get"]["parameters"]["query"]>;
type CaseStatus = NonNullable<CaseQuery["status"]>[number];
export const OPEN_STATUSES: CaseStatus[] = ["submitted", "accepted", "assigned", "in_progress", "reopened", "resolved"];

/** Raises an SOS alarm at the resident's own flat: critical, the property notified by its
 * plan (on-duty staff first, escalating until someone acknowledges). */
export async function raiseSos(h: Household): Promise<Schemas["AlarmRead"]> {
  if (!h.community_id) throw { code: "app.no_household" };
  return must(
    await api.POST("/api/v1/alarms", {
      body: {
        alarm_type: "sos",
        severity: "critical",
        title: t("sos.alarmTitle", { place: placeOf(h) }),
        description: t("sos.alarmDescription"),
        community_id: h.community_id,
        building_id: h.building_id ?? null,
        unit_id: h.unit_id ?? null,
        room_id: h.room_id ?? null,
        household_id: h.household_id,
        actions: ["notify"],
      },
    }),
  );
}

/** Asks before raising (one tap more, never by accident), then opens the SOS page. */
export function confirmSos(h: Household | null) {
  if (!h) {
    uni.showToast({ title: t("problem.app.no_household"), icon: "none" });
    return;
  }
  uni.showModal({
    title: t("sos.confirmTitle"),
    content: t("sos.confirmText", { place: placeOf(h) }),
    confirmText: t("sos.confirm"),
    confirmColor: "#d92d20",
    cancelText: t("common.cancel"),
    success: (choice) => {
      if (choice.confirm) uni.navigateTo({ url: "/pages/sos/index?raise=1" });
    },
  });
}
