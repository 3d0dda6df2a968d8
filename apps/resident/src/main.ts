import "@/platform";
import { createSSRApp } from "vue";
import App from "./App.vue";
import { applyTitle } from "@/titles";

export function createApp() {
  const app = createSSRApp(App);
  // every page's title in the chosen language when it shows (titles.ts)
  app.mixin({ onShow: applyTitle });
  return { app };
}
