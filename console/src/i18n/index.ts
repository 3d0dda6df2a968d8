import { createI18n } from "vue-i18n";
import { messages } from "./messages";

const saved = localStorage.getItem("sc-console-locale");
export const i18n = createI18n({
  legacy: false,
  locale: saved === "en" ? "en" : "zh-CN",
  fallbackLocale: "zh-CN",
  messages,
  missingWarn: false,
  fallbackWarn: false,
});

export function setLocale(locale: "zh-CN" | "en") {
  i18n.global.locale.value = locale;
  localStorage.setItem("sc-console-locale", locale);
  document.documentElement.lang = locale;
}
