/** Who is signed in: tokens (access refreshed before it expires, refresh rotated by identity),
 * the caller's roles and grants from `/api/v1/me`, and what they may see and do. */
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { anonymous, type Problem, type Schemas } from "@sc/client";
import { api, must } from "@/api";
import { router } from "@/router";

type Me = Schemas["MeRead"];
interface Tokens {
  access: string;
  refresh: string | null;
  expiresAt: number; // epoch ms
}

const STORAGE = "sc-console-tokens";
const STAFF = ["property_staff", "property_manager", "grid_worker", "community_admin", "platform_admin"];

export const useAuth = defineStore("auth", () => {
  const tokens = ref<Tokens | null>(JSON.parse(localStorage.getItem(STORAGE) ?? "null"));
  const me = ref<Me | null>(null);
  let refreshing: Promise<string | null> | null = null;

  function keep(value: Tokens | null) {
    tokens.value = value;
    if (value) localStorage.setItem(STORAGE, JSON.stringify(value));
    else localStorage.removeItem(STORAGE);
  }

  function fromResponse(data: Schemas["TokenResponse"]): Tokens {
    return {
      access: data.access_token,
      refresh: data.refresh_token ?? null,
      expiresAt: Date.now() + data.expires_in * 1000,
    };
  }

  async function login(username: string, password: string) {
    const result = await api.POST("/api/v1/auth/token", {
      body: { username, password, grant_type: "password" },
      headers: anonymous,
    });
    keep(fromResponse(must(result)));
    await loadMe();
  }

  async function refresh(): Promise<string | null> {
    const current = tokens.value;
    if (!current?.refresh) return null;
    const result = await api.POST("/api/v1/auth/token", {
      body: { grant_type: "refresh_token", refresh_token: current.refresh },
      headers: anonymous,
    });
    if (!result.data) {
      keep(null);
      return null;
    }
    keep(fromResponse(result.data));
    return tokens.value?.access ?? null;
  }

  /** The access token, refreshed first when it expires within 30 s. */
  async function freshToken(): Promise<string | null> {
    const current = tokens.value;
    if (!current) return null;
    if (current.expiresAt - Date.now() > 30_000) return current.access;
    refreshing ??= refresh().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function loadMe() {
    me.value = must(await api.GET("/api/v1/me"));
  }

  async function logout() {
    const refreshToken = tokens.value?.refresh;
    if (refreshToken) {
      await api
        .POST("/api/v1/auth/logout", { body: { refresh_token: refreshToken }, headers: anonymous })
        .catch(() => undefined);
    }
    keep(null);
    me.value = null;
    await router.push({ name: "login" });
  }

  function expired(_problem: Problem) {
    if (!tokens.value) return;
    keep(null);
    me.value = null;
    void router.push({ name: "login", query: { next: router.currentRoute.value.fullPath } });
  }

  const roles = computed<string[]>(() => me.value?.roles ?? []);
  const has = (...wanted: string[]) => wanted.some((r) => roles.value.includes(r));
  const isStaff = computed(() => has(...STAFF));
  const signedIn = computed(() => tokens.value !== null);

  return { tokens, me, roles, has, isStaff, signedIn, login, logout, loadMe, freshToken, expired };
});
