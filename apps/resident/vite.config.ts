import { fileURLToPath, URL } from "node:url";
import { defineConfig, type Plugin } from "vite";
import uni from "@dcloudio/vite-plugin-uni";

/** H5 loads nothing from outside the gateway: wot-design-uni's icon font is declared twice,
 * from a CDN and from the package's own file; the web build keeps only its own. (The
 * mini-program keeps the CDN one: WeChat cannot load a font from the package.) */
function noCdnFont(): Plugin {
  return {
    name: "sc-no-cdn-font",
    enforce: "pre",
    transform(code, id) {
      if (process.env.UNI_PLATFORM !== "h5" || !id.includes("wd-icon/index.scss")) return null;
      return code.replace(/@font-face\s*{[^}]*alicdn[^}]*}/, "");
    },
  };
}

// One codebase, two targets: `uni build` (H5, served by the gateway under /app/; the base is
// manifest.json's h5.router.base) and `uni build -p mp-weixin` (the WeChat mini-program).
export default defineConfig({
  plugins: [noCdnFont(), uni()],
  resolve: {
    alias: {
      "@sc/client": fileURLToPath(new URL("../../clients/typescript/src", import.meta.url)),
    },
    // the typed client's import (openapi-fetch) resolves from this app's node_modules
    dedupe: ["openapi-fetch"],
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
});
