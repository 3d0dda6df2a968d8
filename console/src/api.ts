/** The console's one API client: the generated typed client (`@sc/client`), with the
 * signed-in user's token (refreshed before it expires) and the console's language. */
import { createApiClient, type Problem } from "@sc/client";
import { useAuth } from "@/stores/auth";
import { i18n } from "@/i18n";

export const api = createApiClient({
  baseUrl: "",
  token: () => useAuth().freshToken(),
  locale: () => String(i18n.global.locale.value),
  onUnauthorized: (problem) => useAuth().expired(problem),
});

/** What a person reads when a call fails: the problem's localised code, else its detail. */
export function problemText(error: unknown): string {
  const t = i18n.global.t;
  const p = (error ?? {}) as Partial<Problem>;
  if (p.code) {
    const key = `problem.${p.code}`;
    const known = i18n.global.te(key);
    if (known) return t(key);
    if (p.code === "request.validation_failed" || p.code === "validation.failed") {
      return t("problem.request.validation_failed");
    }
  }
  if (p.status && p.status >= 500) return t("problem.server");
  // a code the console has no words for: the service's own sentence, which follows the
  // Accept-Language the client sends (zh-CN or en), never a generic failure
  if (p.code && p.detail) return p.detail;
  if (p.status === 403) return t("problem.auth.forbidden");
  if (p.status === 404) return t("problem.not_found");
  return t("problem.generic");
}

/** Throws the problem of a failed call; returns its data otherwise. */
export function must<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw { ...(result.error as object), status: result.response.status };
  }
  return result.data as T;
}
