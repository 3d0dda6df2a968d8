/** Who is signed in: tokens (from identity's authorization-code flow with PKCE, `oidc.ts`;
 * access refreshed before it expires, refresh rotated by identity), the caller's roles and
 * grants from `/api/v1/me`, and what they may see and do. The console never sees a password:
 * people sign in on identity's own page, with their second factor where their role needs one. */
import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { anonymous, type Problem, type Schemas } from "@sc/client";
import { api, must } from "@/api";
import { i18n } from "@/i18n";
import { authorizationUrl, CLIENT_ID, endSessionUrl, redirectUri, takePending } from "@/oidc";
import { router } from "@/router";

type Me = Schemas["MeRead"];
interface Tokens {
  access: string;
  refresh: string | null;
  idToken: string | null; // the logout's hint to identity
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
      idToken: data.id_token ?? tokens.value?.idToken ?? null,
      expiresAt: Date.now() + data.expires_in * 1000,
    };
  }

  /** To identity's sign-in page; it comes back to /console/callback (`completeSignIn`). */
  async function signIn(next: string) {
    window.location.assign(await authorizationUrl(next, String(i18n.global.locale.value)));
  }

  /** The code identity sent back, exchanged for tokens: where to go next. Throws when the
   * callback is not the answer to this tab's sign-in (its state) or identity refuses. */
  async function completeSignIn(code: string, state: string | null): Promise<string> {
    const pending = takePending(state);
    if (!pending) throw { code: "console.sign_in_stale" } satisfies Partial<Problem>;
    const result = await api.POST("/api/v1/auth/token", {
      body: {
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri(),
        client_id: CLIENT_ID,
        code_verifier: pending.verifier,
      },
      headers: anonymous,
    });
    keep(fromResponse(must(result)));
    await loadMe();
    return pending.next;
  }

  async function refresh(): Promise<string | null> {
    const current = tokens.value;
    if (!current?.refresh) return null;
    const result = await api.POST("/api/v1/auth/token", {
      body: { grant_type: "refresh_token", refresh_token: current.refresh, client_id: CLIENT_ID },
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

  /** Ends this sign-in (its refresh chain) and identity's session in this browser, which
   * sends the browser back to the console's sign-in page. */
  async function logout() {
    const refreshToken = tokens.value?.refresh;
    const idToken = tokens.value?.idToken ?? null;
    if (refreshToken) {
      await api
        .POST("/api/v1/auth/logout", { body: { refresh_token: refreshToken }, headers: anonymous })
        .catch(() => undefined);
    }
    keep(null);
    me.value = null;
    window.location.assign(endSessionUrl(idToken));
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

  return {
    tokens,
    me,
    roles,
    has,
    isStaff,
    signedIn,
    signIn,
    completeSignIn,
    logout,
    loadMe,
    freshToken,
    expired,
  };
});
