import { fileURLToPath, URL } from "node:url";
import { defineConfig, type Plugin } from "vite";
import uni from "@dcloudio/vite-plugin-uni";

/** H5 loads nothing from outside the gateway. wot-design-uni's icon font is declared twice,
 * from a CDN and from the package's own file: the web build keeps only its own. uni-h5's
 * styles preload a navigation-bar shadow image from DCloud's CDN three seconds after the
 * page opens: the web build draws no such shadow. (The mini-program keeps both: WeChat
 * cannot load a font from the package.) Done on the built CSS, whatever the source. */
function noCdn(): Plugin {
  return {
    name: "sc-no-cdn",
    apply: "build",
    generateBundle(_options, bundle) {
      if (process.env.UNI_PLATFORM !== "h5") return;
      for (const file of Object.values(bundle)) {
        if (file.type !== "asset" || !file.fileName.endsWith(".css")) continue;
        file.source = String(file.source)
          .replace(/@font-face\s*{[^}]*alicdn[^}]*}/g, "")
          .replace(/url\(\s*["']?https:\/\/cdn\.dcloud\.net\.cn\/img\/shadow-[a-z]+\.png["']?\s*\)/g, "none");
      }
    },
  };
}

// One codebase, two targets: `uni build` (H5, served by the gateway under /app/; the base is
// manifest.json's h5.router.base) and `uni build -p mp-weixin` (the WeChat mini-program).
export default defineConfig({
  plugins: [noCdn(), uni()],
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
