/** Names of places (community, building, unit, room, household) by id, loaded as needed
 * and cached, so no page ever shows an id. Staff read the register; residents know their
 * own households from /api/v1/me. */
import { defineStore } from "pinia";
import { reactive } from "vue";
import { api } from "@/api";
import { useAuth } from "@/stores/auth";

export type PlaceKind = "community" | "building" | "unit" | "room" | "household" | "grid";
type Named = { id: string; name: string; parent?: string };

export const usePlaces = defineStore("places", () => {
  const names = reactive<Record<string, string>>({});
  const pending = new Map<string, Promise<string>>();

  function remember(id: string | null | undefined, name: string) {
    if (id) names[id] = name;
  }

  async function fetchName(kind: PlaceKind, id: string): Promise<string> {
    const auth = useAuth();
    for (const h of auth.me?.households ?? []) {
      if (h.household_id === id) return h.name ?? h.room_standard_code ?? "";
    }
    if (kind === "community") {
      const { data } = await api.GET("/api/v1/communities/{community_id}", { params: { path: { community_id: id } } });
      return data?.name ?? "";
    }
    if (kind === "building") {
      const { data } = await api.GET("/api/v1/buildings/{building_id}", { params: { path: { building_id: id } } });
      return data?.name ?? "";
    }
    if (kind === "unit") {
      const { data } = await api.GET("/api/v1/units/{unit_id}", { params: { path: { unit_id: id } } });
      if (!data) return "";
      return `${await name("building", data.building_id)} ${data.name}`.trim();
    }
    if (kind === "grid") {
      const { data } = await api.GET("/api/v1/grids/{grid_id}", { params: { path: { grid_id: id } } });
      return data?.name ?? "";
    }
    if (kind === "room") {
      const { data } = await api.GET("/api/v1/rooms/{room_id}", { params: { path: { room_id: id } } });
      if (!data) return "";
      return `${await name("unit", data.unit_id)} ${data.code}`.trim();
    }
    const { data } = await api.GET("/api/v1/households/{household_id}", {
      params: { path: { household_id: id } },
    });
    if (!data) return "";
    return data.name || (await name("room", data.room_id));
  }

  /** The place's name; "" while unknown (the component shows a dash). */
  function name(kind: PlaceKind, id: string | null | undefined): Promise<string> {
    if (!id) return Promise.resolve("");
    if (names[id] !== undefined) return Promise.resolve(names[id]);
    let p = pending.get(id);
    if (!p) {
      p = fetchName(kind, id)
        .catch(() => "")
        .then((n) => {
          names[id] = n;
          return n;
        });
      pending.set(id, p);
    }
    return p;
  }

  /** Children of a place for pickers: communities, then buildings, units, rooms. */
  async function children(kind: PlaceKind | null, id: string | null): Promise<Named[]> {
    const query = { limit: 100, offset: 0 };
    if (kind === null) {
      const { data } = await api.GET("/api/v1/communities", { params: { query } });
      return (data?.items ?? []).map((c) => ((names[c.id] = c.name), { id: c.id, name: c.name }));
    }
    if (kind === "community") {
      const { data } = await api.GET("/api/v1/buildings", { params: { query: { ...query, community_id: id! } } });
      return (data?.items ?? []).map((b) => ((names[b.id] = b.name), { id: b.id, name: b.name }));
    }
    if (kind === "building") {
      const { data } = await api.GET("/api/v1/units", { params: { query: { ...query, building_id: id! } } });
      return (data?.items ?? []).map((u) => ({ id: u.id, name: u.name }));
    }
    if (kind === "unit") {
      const { data } = await api.GET("/api/v1/rooms", { params: { query: { unit_id: id!, limit: 100, offset: 0 } } });
      return (data?.items ?? []).map((r) => ({ id: r.id, name: r.code }));
    }
    return [];
  }

  /** The communities the caller acts in (from the register, or from their grants/households). */
  async function communities(): Promise<Named[]> {
    const auth = useAuth();
    const list = await children(null, null).catch(() => [] as Named[]);
    if (list.length) return list;
    const ids = new Set<string>();
    for (const h of auth.me?.households ?? []) if (h.community_id) ids.add(h.community_id);
    for (const g of (auth.me?.grants ?? []) as { scope_type: string; scope_id: string }[]) {
      if (g.scope_type === "community") ids.add(g.scope_id);
    }
    return Promise.all([...ids].map(async (cid) => ({ id: cid, name: (await name("community", cid)) || "—" })));
  }

  return { names, name, children, communities, remember };
});
