/** The console's pages, and who sees each (the roles of the caller's token; the services
 * check again on every call). A menu a role may not use is not shown at all. */
export const STAFF = ["property_staff", "property_manager", "grid_worker", "community_admin", "platform_admin"];
export const MANAGERS = ["property_manager", "community_admin", "platform_admin"];
export const ADMINS = ["community_admin", "platform_admin"];
export const REGISTER_READERS = ["community_admin", "grid_worker", "police", "property_manager", "platform_admin"];
export const HOUSEHOLD = ["resident", "tenant", "family"];
export const AUDITORS = ["auditor", "platform_admin"];
export const PARKING_STAFF = ["property_staff", "property_manager", "community_admin", "platform_admin"];
export const PARKING_MANAGERS = ["property_manager", "community_admin", "platform_admin"];
export const HALL_SIGNERS = ["community_admin", "gov_officer", "grid_worker", "platform_admin"];
export const WELFARE_OFFICE = ["gov_officer", "community_admin", "platform_admin"];
// who drafts community notices, and who approves them (never their own)
export const NOTICE_AUTHORS = ["community_admin", "gov_officer", "property_manager", "platform_admin"];
export const NOTICE_APPROVERS = ["community_admin", "gov_officer", "platform_admin"];
// who plans, approves (never their own) and archives community activities
export const ACTIVITY_STAFF = ["community_admin", "gov_officer", "grid_worker", "platform_admin"];
export const EVALUATION_READERS = ["property_staff", "property_manager", "grid_worker", "community_admin", "gov_officer", "auditor", "platform_admin"];
export const EVALUATION_MANAGERS = ["property_manager", "community_admin", "gov_officer", "platform_admin"];
// who verifies merchants and publishes housing listings (本社区物业、社区)
export const MERCHANT_REVIEWERS = ["property_staff", "property_manager", "community_admin", "grid_worker", "platform_admin"];
export const LISTING_REVIEWERS = ["property_staff", "property_manager", "community_admin", "platform_admin"];
// population checks (人口核查): the grid worker, the community police and the community office
export const POPULATION_CHECKERS = ["grid_worker", "police", "community_admin", "gov_officer", "platform_admin"];
// migrants (流动人口): the community's desk registers and accepts permit applications; the police
// or the street office issue and endorse residence permits (居住证)
export const MIGRANT_DESK = ["community_admin", "grid_worker", "gov_officer", "police", "platform_admin"];
export const PERMIT_ISSUERS = ["police", "gov_officer", "platform_admin"];
// alteration requests (装修/改建): who reads them, who records the works and inspection, who archives
export const ALTERATION_READERS = ["property_manager", "property_staff", "community_admin", "gov_officer", "grid_worker", "platform_admin"];
export const ALTERATION_WORKS = ["property_manager", "property_staff", "community_admin", "platform_admin"];
export const ALTERATION_ARCHIVERS = ["property_manager", "community_admin", "platform_admin"];
// safety education and training: who writes courses and reads the records
export const TRAINING_WRITERS = ["community_admin", "gov_officer", "property_manager", "platform_admin"];
// legal services (法律服务): the community's office registers lawyers, publishes and withdraws times
export const LEGAL_OFFICE = ["community_admin", "gov_officer", "platform_admin"];
// party affairs (党建): the office keeps it; the community's staff read members masked; an
// officer's account may hold any role (officers are named per organisation), residents give opinions
export const PARTY_READERS = ["community_admin", "gov_officer", "platform_admin", "grid_worker", "property_manager", "property_staff", "resident"];
export const DEVICE_READERS = [...STAFF, "gov_officer", "police"];
// care (健康档案): who opens records; who reads them (through each person's consent); who
// visits (the lone-elder watch's check-on visits of a grid worker's grids, visits assigned)
export const CARE_KEEPERS = ["doctor", "community_admin"];
export const CARE_READERS = ["doctor", "caregiver", "community_admin"];
export const CARE_VISITORS = ["grid_worker", "doctor"];
// mutual aid (邻里互助): the board of the community's staff (the API's overseers)
export const CARE_HELP_STAFF = ["community_admin", "caregiver", "grid_worker"];
// value-added services (增值服务): the community's staff who publish offers and handle bookings
export const CARE_SERVICE_STAFF = ["community_admin", "caregiver", "doctor"];
// CAP warnings (预警): the warnings API's readers (its community staff, gov officers, auditors)
export const CARE_WARNING_READERS = ["gov_officer", "community_admin", "doctor", "caregiver", "grid_worker", "platform_admin", "auditor"];

export interface MenuItem {
  name: string; // route name
  path: string;
  title: string; // i18n key
  roles: string[] | "any";
  icon?: string;
}

export interface MenuGroup {
  title: string;
  icon: string;
  items: MenuItem[];
}

export const MENU: MenuGroup[] = [
  {
    title: "menu.workbench",
    icon: "House",
    items: [
      { name: "home", path: "/", title: "menu.home", roles: "any" },
      { name: "my-home", path: "/my-home", title: "menu.myHome", roles: HOUSEHOLD },
      { name: "inbox", path: "/inbox", title: "menu.inbox", roles: "any" },
    ],
  },
  {
    title: "menu.register",
    icon: "OfficeBuilding",
    items: [
      { name: "places", path: "/register/places", title: "menu.places", roles: STAFF },
      { name: "households", path: "/register/households", title: "menu.households", roles: [...STAFF, ...HOUSEHOLD] },
      { name: "persons", path: "/register/persons", title: "menu.persons", roles: [...STAFF, ...HOUSEHOLD] },
      { name: "grids", path: "/register/grids", title: "menu.grids", roles: STAFF },
      { name: "accounts", path: "/register/accounts", title: "menu.accounts", roles: ADMINS },
      { name: "grants", path: "/register/grants", title: "menu.grants", roles: ADMINS },
    ],
  },
  {
    title: "menu.iot",
    icon: "Cpu",
    items: [
      { name: "devices", path: "/devices", title: "menu.devices", roles: DEVICE_READERS },
      { name: "energy", path: "/energy", title: "menu.energy", roles: [...DEVICE_READERS, ...HOUSEHOLD] },
    ],
  },
  {
    title: "menu.safety",
    icon: "Bell",
    items: [
      { name: "alarms", path: "/alarms", title: "menu.alarms", roles: [...STAFF, "police", ...HOUSEHOLD] },
      { name: "alarm-rules", path: "/alarm-rules", title: "menu.alarmRules", roles: STAFF },
      { name: "special-persons", path: "/special-persons", title: "menu.specialPersons", roles: REGISTER_READERS },
      { name: "incidents", path: "/incidents", title: "menu.incidents", roles: REGISTER_READERS },
      { name: "key-places", path: "/key-places", title: "menu.keyPlaces", roles: REGISTER_READERS },
    ],
  },
  {
    title: "menu.property",
    icon: "Tickets",
    items: [
      { name: "work-orders", path: "/work-orders", title: "menu.workOrders", roles: "any" },
      { name: "patrol", path: "/patrol", title: "menu.patrol", roles: [...STAFF, ...HOUSEHOLD] },
    ],
  },
  {
    title: "menu.parking",
    icon: "Van",
    items: [
      { name: "parking-desk", path: "/parking/desk", title: "menu.parkingDesk", roles: PARKING_STAFF },
      { name: "parking-lots", path: "/parking/lots", title: "menu.parkingLots", roles: PARKING_STAFF },
      { name: "parking-tariffs", path: "/parking/tariffs", title: "menu.parkingTariffs", roles: PARKING_STAFF },
      { name: "vehicles", path: "/parking/vehicles", title: "menu.vehicles", roles: [...PARKING_STAFF, ...HOUSEHOLD] },
      { name: "property-bills", path: "/payments/bills", title: "menu.propertyBills", roles: [...PARKING_STAFF, ...HOUSEHOLD] },
      { name: "payment-orders", path: "/payments/orders", title: "menu.paymentOrders", roles: PARKING_STAFF },
    ],
  },
  {
    title: "menu.commerce",
    icon: "Shop",
    items: [
      { name: "merchants", path: "/commerce/merchants", title: "menu.merchants", roles: [...MERCHANT_REVIEWERS, "merchant"] },
      { name: "listings", path: "/commerce/listings", title: "menu.listings", roles: [...STAFF, ...HOUSEHOLD] },
      { name: "shops", path: "/commerce/shops", title: "menu.shops", roles: [...STAFF, ...HOUSEHOLD, "merchant"] },
      { name: "my-merchant", path: "/commerce/mine", title: "menu.myMerchant", roles: ["merchant"] },
      { name: "service-points", path: "/commerce/points", title: "menu.servicePoints", roles: [...MERCHANT_REVIEWERS, ...HOUSEHOLD] },
      { name: "recycling", path: "/commerce/recycling", title: "menu.recycling", roles: [...MERCHANT_REVIEWERS, ...HOUSEHOLD] },
      { name: "shop-orders", path: "/commerce/orders", title: "menu.shopOrders", roles: [...MERCHANT_REVIEWERS, "merchant"] },
      { name: "offers", path: "/commerce/offers", title: "menu.offers", roles: ["merchant"] },
    ],
  },
  {
    title: "menu.gov",
    icon: "Stamp",
    items: [
      { name: "hall-inbox", path: "/gov/hall-inbox", title: "menu.hallInbox", roles: HALL_SIGNERS },
      { name: "welfare", path: "/gov/welfare", title: "menu.welfare", roles: WELFARE_OFFICE },
      { name: "disability", path: "/gov/disability", title: "menu.disability", roles: WELFARE_OFFICE },
      { name: "assistive-devices", path: "/gov/assistive-devices", title: "menu.assistiveDevices", roles: [...WELFARE_OFFICE, ...HOUSEHOLD] },
      { name: "votes", path: "/gov/votes", title: "menu.votes", roles: [...WELFARE_OFFICE, "resident"] },
      { name: "notices", path: "/gov/notices", title: "menu.notices", roles: NOTICE_AUTHORS },
      { name: "volunteers", path: "/gov/volunteers", title: "menu.volunteers", roles: WELFARE_OFFICE },
      { name: "activities", path: "/gov/activities", title: "menu.activities", roles: ACTIVITY_STAFF },
      { name: "population-flags", path: "/gov/population-flags", title: "menu.populationFlags", roles: POPULATION_CHECKERS },
      { name: "migrants", path: "/gov/migrants", title: "menu.migrants", roles: MIGRANT_DESK },
      { name: "alterations", path: "/gov/alterations", title: "menu.alterations", roles: ALTERATION_READERS },
      { name: "legal", path: "/gov/legal", title: "menu.legal", roles: LEGAL_OFFICE },
      { name: "party", path: "/gov/party", title: "menu.party", roles: PARTY_READERS },
      { name: "organisations", path: "/gov/organisations", title: "menu.organisations", roles: LEGAL_OFFICE },
      { name: "training", path: "/gov/training", title: "menu.training", roles: [...TRAINING_WRITERS, "property_staff", "grid_worker"] },
      { name: "surveys", path: "/evaluation/surveys", title: "menu.surveys", roles: EVALUATION_READERS },
      { name: "indices", path: "/evaluation/indices", title: "menu.indices", roles: EVALUATION_READERS },
      { name: "kpis", path: "/evaluation/kpis", title: "menu.kpis", roles: EVALUATION_READERS },
      { name: "evaluation-report", path: "/evaluation/report", title: "menu.evalReport", roles: EVALUATION_READERS },
    ],
  },
  {
    title: "menu.care",
    icon: "UserFilled",
    items: [
      { name: "care-records", path: "/care/records", title: "menu.careRecords", roles: CARE_READERS },
      { name: "care-visits", path: "/care/visits", title: "menu.careVisits", roles: CARE_VISITORS },
      { name: "care-appointments", path: "/care/appointments", title: "menu.careAppointments", roles: ["doctor"] },
      { name: "care-warnings", path: "/care/warnings", title: "menu.careWarnings", roles: CARE_WARNING_READERS },
      { name: "care-services", path: "/care/services", title: "menu.careServices", roles: CARE_SERVICE_STAFF },
      { name: "care-help", path: "/care/help", title: "menu.careHelp", roles: CARE_HELP_STAFF },
    ],
  },
  {
    title: "menu.emergency",
    icon: "FirstAidKit",
    items: [
      { name: "emergency-plans", path: "/emergency/plans", title: "menu.plans", roles: STAFF },
      { name: "duty-roster", path: "/emergency/duty", title: "menu.duty", roles: STAFF },
      { name: "drills", path: "/emergency/drills", title: "menu.drills", roles: STAFF },
      { name: "shelters", path: "/emergency/shelters", title: "menu.shelters", roles: "any" },
      { name: "supplies", path: "/emergency/supplies", title: "menu.supplies", roles: "any" },
      { name: "warnings", path: "/emergency/warnings", title: "menu.warnings", roles: "any" },
      { name: "notification-plans", path: "/emergency/notification-plans", title: "menu.notificationPlans", roles: MANAGERS },
    ],
  },
  {
    title: "menu.messages",
    icon: "Message",
    items: [
      { name: "templates", path: "/notifications/templates", title: "menu.templates", roles: MANAGERS },
      { name: "broadcast-endpoints", path: "/notifications/endpoints", title: "menu.endpoints", roles: MANAGERS },
      { name: "sent", path: "/notifications/sent", title: "menu.sent", roles: MANAGERS },
    ],
  },
  {
    title: "menu.oversight",
    icon: "Document",
    items: [{ name: "audit", path: "/audit", title: "menu.audit", roles: AUDITORS }],
  },
];

export function allowed(item: { roles: string[] | "any" }, roles: string[]): boolean {
  return item.roles === "any" || item.roles.some((r) => roles.includes(r));
}
