/**
 * Who is signed in: tokens kept on the device (access refreshed 30 s before it expires, the
 * refresh token rotated by identity on every use) and the resident's account and households
 * from `/api/v1/me`.
 *
 * Three ways to sign in, one way to keep the tokens: the password grant
 * (`POST /api/v1/auth/token`), the mobile number and its SMS code
 * (`POST /api/v1/auth/sms-login`) and, in the mini-program, WeChat
 * (`POST /api/v1/auth/wechat-login`; ADR 0034).
 */
import { computed, ref } from "vue";
import { anonymous, type Schemas } from "@sc/client";
import { api, configureAuth, must } from "@/api";
import { OPENID_KEY } from "@/pay";

type Me = Schemas["MeRead"];
interface Tokens {
  access: string;
  refresh: string | null;
  expiresAt: number; // epoch ms
}

const KEY = "sc-app-tokens";
export const LOGIN_PAGE = "/pages/login/index";
export const HOME_PAGE = "/pages/home/index";

function load(): Tokens | null {
  const kept = uni.getStorageSync(KEY);
  return kept && typeof kept === "object" ? (kept as Tokens) : null;
}

const tokens = ref<Tokens | null>(load());
export const me = ref<Me | null>(null);
export const signedIn = computed(() => tokens.value !== null);
/** The household the app acts for (the first; a resident of several picks on "Me"). */
export const household = computed(() => me.value?.households[0] ?? null);

function keep(value: Tokens | null) {
  tokens.value = value;
  if (value) uni.setStorageSync(KEY, value);
  else uni.removeStorageSync(KEY);
}

function fromResponse(data: Schemas["TokenResponse"]): Tokens {
  return {
    access: data.access_token,
    refresh: data.refresh_token ?? null,
    expiresAt: Date.now() + data.expires_in * 1000,
  };
}

export async function login(username: string, password: string) {
  const result = await api.POST("/api/v1/auth/token", {
    body: { grant_type: "password", username, password },
    headers: anonymous,
  });
  keep(fromResponse(must(result)));
  await loadMe();
}

export async function smsLogin(phone: string, code: string) {
  const result = await api.POST("/api/v1/auth/sms-login", {
    body: { phone, code },
    headers: anonymous,
  });
  keep(fromResponse(must(result)));
  await loadMe();
}

/** Asks identity to text a sign-in code: when another may be asked for, and what to say
 * (identity's sentence, in the reader's language; the same for a number it does not know). */
export async function sendLoginCode(phone: string): Promise<Schemas["SmsCodeSent"]> {
  const result = await api.POST("/api/v1/auth/sms-codes", {
    body: { phone, purpose: "login" },
    headers: anonymous,
  });
  return must(result);
}

/** WeChat sign-in with a fresh wx.login() code; a first one also proves the mobile number
 * with the getPhoneNumber button's code (identity answers `wechat.phone_required` without). */
export async function wechatLogin(code: string, phoneCode?: string) {
  const result = await api.POST("/api/v1/auth/wechat-login", {
    body: phoneCode ? { code, phone_code: phoneCode } : { code },
    headers: anonymous,
  });
  const data = must(result);
  keep(fromResponse(data));
  // identity does not return the openid today; kept only when it does
  const openid = (data as { openid?: unknown }).openid;
  if (typeof openid === "string" && openid) uni.setStorageSync(OPENID_KEY, openid);
  await loadMe();
}

let refreshing: Promise<string | null> | null = null;

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
export async function freshToken(): Promise<string | null> {
  const current = tokens.value;
  if (!current) return null;
  if (current.expiresAt - Date.now() > 30_000) return current.access;
  refreshing ??= refresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export async function loadMe() {
  me.value = must(await api.GET("/api/v1/me"));
  return me.value;
}

/** The signed-in resident, loading `/me` once; null (and off to sign-in) when signed out. */
export async function ensureMe(): Promise<Me | null> {
  if (!signedIn.value) {
    uni.reLaunch({ url: LOGIN_PAGE });
    return null;
  }
  return me.value ?? (await loadMe());
}

export async function logout() {
  const refreshToken = tokens.value?.refresh;
  if (refreshToken) {
    await api
      .POST("/api/v1/auth/logout", { body: { refresh_token: refreshToken }, headers: anonymous })
      .catch(() => undefined);
  }
  keep(null);
  me.value = null;
  uni.reLaunch({ url: LOGIN_PAGE });
}

function expired() {
  if (!tokens.value) return;
  keep(null);
  me.value = null;
  uni.reLaunch({ url: LOGIN_PAGE });
}

configureAuth({ token: freshToken, expired });
