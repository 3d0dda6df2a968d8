/// <reference types="vite/client" />
/// <reference types="@dcloudio/types" />

declare module "*.vue" {
  import type { DefineComponent } from "vue";
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

interface ImportMetaEnv {
  /** The gateway the mini-program calls (its request domain); H5 calls its own origin. */
  readonly VITE_GATEWAY_URL?: string;
}

declare const process: { env: { UNI_PLATFORM?: string; NODE_ENV?: string } };

/** whatwg-fetch ships no types: its classes are the standard ones (mini-program only). */
declare module "whatwg-fetch" {
  export const Headers: typeof globalThis.Headers;
  export const Request: typeof globalThis.Request;
  export const Response: typeof globalThis.Response;
}
