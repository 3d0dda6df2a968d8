/**
 * Every text the app shows, zh-CN first and en second (`messages.ts`, one line each), and
 * the language the resident chose (kept on the device). Small on purpose: the same code runs
 * in the mini-program, where a message compiler that evaluates code is not allowed.
 */
import { ref } from "vue";
import { MESSAGES } from "@/messages";

export type Locale = "zh-CN" | "en";
const KEY = "sc-app-locale";

function initial(): Locale {
  const kept = uni.getStorageSync(KEY);
  return kept === "en" ? "en" : "zh-CN";
}

export const locale = ref<Locale>(initial());

export function setLocale(value: Locale) {
  locale.value = value;
  uni.setStorageSync(KEY, value);
}

export function te(key: string): boolean {
  return key in MESSAGES;
}

/** The text of `key` in the chosen language; `{name}` placeholders filled from `params`. */
export function t(key: string, params: Record<string, string | number> = {}): string {
  const entry = MESSAGES[key];
  if (!entry) return key;
  const text = entry[locale.value === "en" ? 1 : 0];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ""));
}

/** A label of a platform enum value (a status, a severity); never the raw value. */
export function label(dict: string, value: string | null | undefined): string {
  if (!value) return "";
  const key = `${dict}.${value}`;
  return te(key) ? t(key) : t(`${dict}._other`);
}

/** A date and time as a person reads it, in the chosen language. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return locale.value === "en"
    ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${hm}`
    : `${d.getMonth() + 1}月${d.getDate()}日 ${hm}`;
}

/** A text the platform sends in both languages ({ zh, en }), in the chosen one. */
export function words(text: { zh: string; en: string } | null | undefined): string {
  if (!text) return "";
  return locale.value === "en" ? text.en || text.zh : text.zh;
}

/** An amount of money the platform counts in fen (分), as a person reads it in yuan. */
export function yuan(fen: number): string {
  return t("money.yuan", { n: (fen / 100).toFixed(2) });
}

/** A calendar day (2026-12-15) as a person reads it. */
export function day(iso: string | null | undefined): string {
  if (!iso) return "";
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return locale.value === "en" ? `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}` : `${y}年${m}月${d}日`;
}
