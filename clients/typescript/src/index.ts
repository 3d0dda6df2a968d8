/**
 * The smart-community API, typed from the gateway's merged OpenAPI (`schema.d.ts`, generated
 * by `make contracts`; do not edit it). Built on openapi-fetch: every path, parameter,
 * body and answer is checked by TypeScript.
 *
 *   const api = createApiClient({ baseUrl: "https://gateway.example", token: () => store.access })
 *   const { data, error } = await api.GET("/api/v1/alarms", { params: { query: { active: true } } })
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, paths } from "./schema";
export type Schemas = components["schemas"];
export type ApiClient = Client<paths>;

/** An error answer of the platform: problem+json with a stable `code` apps localise. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { loc?: (string | number)[]; msg?: string; type?: string }[];
}

/** Header asking the client to send a call without the user's token (it is not sent on). */
export const ANONYMOUS = "X-Sc-Anonymous";
export const anonymous = { [ANONYMOUS]: "1" };

export interface ClientOptions {
  /** The gateway, e.g. "https://gateway.example" ("" = the page's own origin). */
  baseUrl?: string;
  /** The current access token (may refresh it first); null when signed out. */
  token?: () => string | null | undefined | Promise<string | null | undefined>;
  /** Called with every 401 answer (e.g. to go back to the login page). */
  onUnauthorized?: (problem: Problem) => void;
  /** A fetch implementation: the browser's, or `wxFetch` in a WeChat mini-program. */
  fetch?: typeof globalThis.fetch;
  /** Sent as Accept-Language (zh-CN, en). */
  locale?: () => string;
}

export function createApiClient(options: ClientOptions = {}): ApiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? "",
    fetch: options.fetch,
  });
  const auth: Middleware = {
    async onRequest({ request }) {
      // calls that must go without the user's token (logging in, refreshing) say so
      if (request.headers.has(ANONYMOUS)) {
        request.headers.delete(ANONYMOUS);
      } else if (!request.headers.has("Authorization")) {
        const token = options.token ? await options.token() : null;
        if (token) request.headers.set("Authorization", `Bearer ${token}`);
      }
      if (options.locale) request.headers.set("Accept-Language", options.locale());
      return request;
    },
    async onResponse({ response }) {
      if (response.status === 401 && options.onUnauthorized) {
        const problem = (await response.clone().json().catch(() => ({}))) as Problem;
        options.onUnauthorized({ ...problem, status: 401 });
      }
      return response;
    },
  };
  client.use(auth);
  return client;
}

export { wxFetch } from "./wx";
