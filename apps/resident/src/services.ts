/**
 * Every service a resident reaches from the "Services" tab, in one list. An entry with a
 * `page` opens it; one without waits for its platform service (named in `waitsFor`) and
 * shows as "coming": when that service lands on the gateway, its page is added under
 * `pages/<service>/` and the entry gets its `page`.
 */
export interface ServiceEntry {
  key: string; // messages key `service.<key>` and the data-test id
  icon: string; // a wot-design-uni icon name
  page?: string;
  waitsFor?: string; // the platform service still being built
}

export const SERVICE_GROUPS: { key: string; entries: ServiceEntry[] }[] = [
  {
    key: "safety",
    entries: [
      { key: "sos", icon: "warning", page: "/pages/sos/index" },
      { key: "shelters", icon: "location", page: "/pages/sos/index?focus=shelters" },
      { key: "warnings", icon: "notification", page: "/pages/aid/warnings" },
      { key: "doors", icon: "lock-on", page: "/pages/doors/index" },
      { key: "visitors", icon: "qrcode", page: "/pages/visitors/index" },
    ],
  },
  {
    key: "property",
    entries: [
      { key: "repair", icon: "tools", page: "/pages/repairs/new?type=repair" },
      { key: "complaint", icon: "chat", page: "/pages/repairs/new?type=complaint" },
      { key: "myCases", icon: "list", page: "/pages/repairs/list" },
      { key: "energy", icon: "chart-bar", page: "/pages/energy/index" },
      { key: "bills", icon: "wallet", page: "/pages/bills/index" },
      { key: "parking", icon: "dashboard", page: "/pages/bills/index?focus=parking" },
      { key: "charging", icon: "usb", page: "/pages/charging/index" },
    ],
  },
  {
    key: "community",
    entries: [
      { key: "hall", icon: "app", page: "/pages/hall/index" },
      { key: "myApplications", icon: "folder", page: "/pages/hall/mine" },
      { key: "notices", icon: "notification", page: "/pages/notices/index" },
      { key: "activities", icon: "calendar", page: "/pages/activities/index" },
      { key: "votes", icon: "check-rectangle", page: "/pages/votes/index" },
      { key: "surveys", icon: "edit-outline", page: "/pages/surveys/index" },
      { key: "servicePoints", icon: "shop", page: "/pages/bookings/index" },
      { key: "housing", icon: "home", page: "/pages/listings/index" },
      { key: "legal", icon: "books", page: "/pages/legal/index" },
    ],
  },
  {
    key: "family",
    entries: [
      { key: "elderCare", icon: "heart", page: "/pages/family/index" },
      { key: "childcare", icon: "user", page: "/pages/childcare/index" },
      { key: "aid", icon: "user-talk", page: "/pages/aid/index" },
      { key: "valueAdded", icon: "service", page: "/pages/aid/services" },
    ],
  },
];
