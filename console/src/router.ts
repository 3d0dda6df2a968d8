import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import { ACTIVITY_STAFF, CARE_READERS, CARE_VISITORS, EVALUATION_MANAGERS, EVALUATION_READERS, MENU, allowed } from "@/menus";

const pages: Record<string, () => Promise<unknown>> = {
  home: () => import("@/domains/home/HomePage.vue"),
  "my-home": () => import("@/domains/identity/MyHomePage.vue"),
  inbox: () => import("@/domains/notification/InboxPage.vue"),
  places: () => import("@/domains/identity/PlacesPage.vue"),
  households: () => import("@/domains/identity/HouseholdsPage.vue"),
  persons: () => import("@/domains/identity/PersonsPage.vue"),
  grids: () => import("@/domains/identity/GridsPage.vue"),
  accounts: () => import("@/domains/identity/AccountsPage.vue"),
  grants: () => import("@/domains/identity/GrantsPage.vue"),
  devices: () => import("@/domains/devices/DevicesPage.vue"),
  energy: () => import("@/domains/energy/EnergyPage.vue"),
  alarms: () => import("@/domains/alarm/AlarmsPage.vue"),
  "alarm-rules": () => import("@/domains/alarm/RulesPage.vue"),
  "special-persons": () => import("@/domains/alarm/SpecialPersonsPage.vue"),
  incidents: () => import("@/domains/alarm/IncidentsPage.vue"),
  "key-places": () => import("@/domains/alarm/KeyPlacesPage.vue"),
  "work-orders": () => import("@/domains/work-orders/WorkOrdersPage.vue"),
  patrol: () => import("@/domains/work-orders/PatrolPage.vue"),
  "emergency-plans": () => import("@/domains/emergency/PlansPage.vue"),
  "duty-roster": () => import("@/domains/emergency/DutyPage.vue"),
  drills: () => import("@/domains/emergency/DrillsPage.vue"),
  shelters: () => import("@/domains/emergency/SheltersPage.vue"),
  supplies: () => import("@/domains/emergency/SuppliesPage.vue"),
  warnings: () => import("@/domains/emergency/WarningsPage.vue"),
  "notification-plans": () => import("@/domains/emergency/NotificationPlansPage.vue"),
  templates: () => import("@/domains/notification/TemplatesPage.vue"),
  "broadcast-endpoints": () => import("@/domains/notification/EndpointsPage.vue"),
  sent: () => import("@/domains/notification/SentPage.vue"),
  audit: () => import("@/domains/audit/AuditPage.vue"),
  "parking-desk": () => import("@/domains/parking-payment/DeskPage.vue"),
  "parking-lots": () => import("@/domains/parking-payment/LotsPage.vue"),
  "parking-tariffs": () => import("@/domains/parking-payment/TariffsPage.vue"),
  vehicles: () => import("@/domains/parking-payment/VehiclesPage.vue"),
  "property-bills": () => import("@/domains/parking-payment/BillsPage.vue"),
  "payment-orders": () => import("@/domains/parking-payment/OrdersPage.vue"),
  merchants: () => import("@/domains/commerce/MerchantsPage.vue"),
  listings: () => import("@/domains/commerce/ListingsPage.vue"),
  shops: () => import("@/domains/commerce/ShopsPage.vue"),
  "my-merchant": () => import("@/domains/commerce/MyMerchantPage.vue"),
  "service-points": () => import("@/domains/commerce/ServicePointsPage.vue"),
  recycling: () => import("@/domains/commerce/RecyclingPage.vue"),
  "shop-orders": () => import("@/domains/commerce/ShopOrdersPage.vue"),
  offers: () => import("@/domains/commerce/OffersPage.vue"),
  "hall-inbox": () => import("@/domains/gov-affairs/HallInboxPage.vue"),
  welfare: () => import("@/domains/gov-affairs/WelfarePage.vue"),
  disability: () => import("@/domains/gov-affairs/DisabilityPage.vue"),
  "assistive-devices": () => import("@/domains/gov-affairs/AssistiveDevicesPage.vue"),
  votes: () => import("@/domains/gov-affairs/VotesPage.vue"),
  notices: () => import("@/domains/gov-affairs/NoticesPage.vue"),
  volunteers: () => import("@/domains/gov-affairs/VolunteersPage.vue"),
  activities: () => import("@/domains/gov-affairs/ActivitiesPage.vue"),
  "population-flags": () => import("@/domains/gov-affairs/PopulationFlagsPage.vue"),
  migrants: () => import("@/domains/gov-affairs/MigrantsPage.vue"),
  alterations: () => import("@/domains/gov-affairs/AlterationsPage.vue"),
  training: () => import("@/domains/gov-affairs/TrainingPage.vue"),
  legal: () => import("@/domains/gov-affairs/legal/LegalPage.vue"),
  party: () => import("@/domains/gov-affairs/party/PartyPage.vue"),
  organisations: () => import("@/domains/gov-affairs/OrganisationsPage.vue"),
  surveys: () => import("@/domains/evaluation/SurveysPage.vue"),
  indices: () => import("@/domains/evaluation/IndicesPage.vue"),
  kpis: () => import("@/domains/evaluation/KpiPage.vue"),
  "evaluation-report": () => import("@/domains/evaluation/ReportPage.vue"),
  "care-records": () => import("@/domains/care/RecordsPage.vue"),
  "care-visits": () => import("@/domains/care/VisitsPage.vue"),
  "care-appointments": () => import("@/domains/care/AppointmentsPage.vue"),
  "care-warnings": () => import("@/domains/care/WarningsPage.vue"),
  "care-services": () => import("@/domains/care/ServicesPage.vue"),
  "care-help": () => import("@/domains/care/HelpBoardPage.vue"),
};

const children: RouteRecordRaw[] = MENU.flatMap((group) =>
  group.items.map((item) => ({
    path: item.path === "/" ? "" : item.path.slice(1),
    name: item.name,
    component: pages[item.name],
    meta: { roles: item.roles, title: item.title },
  })),
);
children.push({
  path: "work-orders/:id",
  name: "work-order",
  component: () => import("@/domains/work-orders/WorkOrderPage.vue"),
  meta: { roles: "any", title: "menu.workOrders" },
});
children.push({
  path: "evaluation/surveys/new",
  name: "survey-designer",
  component: () => import("@/domains/evaluation/SurveyDesignerPage.vue"),
  meta: { roles: EVALUATION_MANAGERS, title: "menu.surveyDesigner" },
});
children.push({
  path: "evaluation/surveys/:id/results",
  name: "survey-results",
  component: () => import("@/domains/evaluation/SurveyResultsPage.vue"),
  meta: { roles: EVALUATION_READERS, title: "menu.surveyResults" },
});
children.push({
  path: "care/records/:id",
  name: "care-record",
  component: () => import("@/domains/care/RecordPage.vue"),
  // a visit opens the record of the person visited; the record reads through their consent
  meta: { roles: [...new Set([...CARE_READERS, ...CARE_VISITORS])], title: "menu.careRecords" },
});
children.push({
  path: "gov/activities/:id/summary",
  name: "activity-summary",
  component: () => import("@/domains/gov-affairs/ActivitySummaryPage.vue"),
  meta: { roles: ACTIVITY_STAFF, title: "activity.summary" },
});
children.push({
  path: "devices/:id",
  name: "device",
  component: () => import("@/domains/devices/DevicePage.vue"),
  meta: { roles: "any", title: "menu.devices" },
});

export const router = createRouter({
  history: createWebHistory("/console/"),
  routes: [
    { path: "/login", name: "login", component: () => import("@/domains/home/LoginPage.vue") },
    { path: "/callback", name: "callback", component: () => import("@/domains/home/CallbackPage.vue") },
    { path: "/screen", name: "screen", component: () => import("@/screen/BigScreen.vue") },
    { path: "/", component: () => import("@/layout/ConsoleLayout.vue"), children },
    { path: "/:rest(.*)*", redirect: "/" },
  ],
});

router.beforeEach(async (to) => {
  if (to.name === "login" || to.name === "callback") return true;
  const { useAuth } = await import("@/stores/auth");
  const auth = useAuth();
  if (!auth.signedIn) return { name: "login", query: { next: to.fullPath } };
  if (!auth.me) {
    try {
      await auth.loadMe();
    } catch {
      return { name: "login", query: { next: to.fullPath } };
    }
  }
  const roles = to.meta.roles as string[] | "any" | undefined;
  if (roles && !allowed({ roles }, auth.roles)) return { name: "home" };
  return true;
});
