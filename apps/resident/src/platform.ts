/**
 * What each target lacks, filled in before the typed client is made.
 *
 * A WeChat mini-program has no fetch, Request, Response, Headers or FormData: the typed
 * client (openapi-fetch) builds Request objects and reads Responses, so the small pure-JS
 * classes of whatwg-fetch become globals, and the client's fetch is `wxFetch` (over
 * `wx.request`). FormData is only checked with `instanceof` there (uploads go through
 * `uni.uploadFile`), so an empty class is enough.
 */
// #ifdef MP-WEIXIN
import { Headers, Request, Response } from "whatwg-fetch";

const scope = globalThis as unknown as Record<string, unknown>;
for (const [name, value] of Object.entries({ Headers, Request, Response })) {
  if (typeof scope[name] === "undefined") scope[name] = value;
}
if (typeof scope.FormData === "undefined") scope.FormData = class FormData {};
// #endif

export const IS_MP = process.env.UNI_PLATFORM === "mp-weixin";
