/**
 * The app's one API client: the generated typed client (`@sc/client`, clients/typescript)
 * with the signed-in resident's token and language. H5 calls the page's own origin (the
 * gateway serves the app under /app/); the mini-program calls VITE_GATEWAY_URL through
 * `wxFetch`. No page calls fetch or uni.request itself.
 */
import { IS_MP } from "@/platform";
import { createApiClient, wxFetch, type Problem } from "@sc/client";
import { locale, t, te } from "@/i18n";

/** How long an ordinary call may take before the page says so and offers a retry. */
export const CALL_TIMEOUT_MS = 20_000;

export const GATEWAY = IS_MP ? import.meta.env.VITE_GATEWAY_URL || "http://127.0.0.1:8000" : "";

interface AuthHooks {
  token: () => Promise<string | null>;
  expired: () => void;
}
let hooks: AuthHooks = { token: async () => null, expired: () => undefined };

/** The session registers how to get a fresh token and what to do on a 401. */
export function configureAuth(value: AuthHooks) {
  hooks = value;
}

/** The browser's fetch, bounded: a slow network ends in an error the page can retry.
 * Event streams are not bounded (the live reader watches them itself). */
function boundedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  if ((request.headers.get("Accept") ?? "").includes("text/event-stream")) return fetch(request);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), CALL_TIMEOUT_MS);
  request.signal.addEventListener("abort", () => controller.abort());
  return fetch(new Request(request, { signal: controller.signal })).finally(() => clearTimeout(timer));
}

export const api = createApiClient({
  baseUrl: GATEWAY,
  fetch: IS_MP ? wxFetch : boundedFetch,
  token: () => hooks.token(),
  locale: () => locale.value,
  onUnauthorized: () => hooks.expired(),
});

/** Throws the problem of a failed call; returns its data otherwise. */
export function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw { ...(result.error as object), status: result.response.status };
  }
  return result.data as T;
}

/** What a person reads when a call fails: the problem's localised code, else a plain
 * sentence by its kind (never an id, a code or a stack). */
export function problemText(error: unknown): string {
  const p = (error ?? {}) as Partial<Problem> & { name?: string };
  if (p.code && te(`problem.${p.code}`)) return t(`problem.${p.code}`);
  if (p.status === undefined || p.name === "AbortError" || p.name === "TypeError") {
    return t("problem.network");
  }
  if (p.status >= 500) return t("problem.server");
  if (p.status === 403) return t("problem.forbidden");
  if (p.status === 404) return t("problem.notFound");
  if (p.status === 422 || p.status === 400) return t("problem.invalid");
  return t("problem.generic");
}
