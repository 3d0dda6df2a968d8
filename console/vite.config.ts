import { fileURLToPath, URL } from "node:url";
import { cpSync, mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createRequire } from "node:module";
import { defineConfig, type Plugin } from "vite";
import vue from "@vitejs/plugin-vue";

const require = createRequire(import.meta.url);

/** Swagger UI for the gateway's /docs, from the npm package swagger-ui-dist: no CDN. */
function swaggerAssets(): Plugin {
  return {
    name: "sc-swagger-ui",
    apply: "build",
    closeBundle() {
      const from = dirname(require.resolve("swagger-ui-dist/package.json"));
      const to = resolve(__dirname, "dist", "swagger");
      mkdirSync(to, { recursive: true });
      for (const file of ["swagger-ui.css", "swagger-ui-bundle.js", "LICENSE"]) {
        cpSync(resolve(from, file), resolve(to, file));
      }
    },
  };
}

export default defineConfig({
  base: "/console/",
  plugins: [vue(), swaggerAssets()],
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("./src", import.meta.url)),
      "@sc/client": fileURLToPath(new URL("../clients/typescript/src", import.meta.url)),
    },
    // the typed client's imports (openapi-fetch) resolve from the console's node_modules
    dedupe: ["openapi-fetch"],
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000" },
  },
  build: {
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        manualChunks: {
          echarts: ["echarts"],
          element: ["element-plus"],
        },
      },
    },
  },
});
