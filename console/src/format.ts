export function formatTime(value: string | null | undefined, locale: string, dateOnly = false): string {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return dateOnly
    ? d.toLocaleDateString(locale, { timeZone: "Asia/Shanghai" })
    : d.toLocaleString(locale, { timeZone: "Asia/Shanghai", hour12: false });
}

/** Seconds as "2 h 5 min" / "2小时5分". */
export function formatDuration(seconds: number, locale: string): string {
  const s = Math.max(0, Math.round(Math.abs(seconds)));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const zh = locale.startsWith("zh");
  if (h) return zh ? `${h}小时${m}分` : `${h} h ${m} min`;
  return zh ? `${m}分` : `${m} min`;
}

/** An amount in fen (分) as a person reads it: ¥1,234.50. */
export function formatMoney(fen: number | null | undefined, locale: string): string {
  if (fen === null || fen === undefined || Number.isNaN(Number(fen))) return "—";
  return (Number(fen) / 100).toLocaleString(locale, { style: "currency", currency: "CNY" });
}

/** A text the API gives in both languages ({zh, en}) in the reader's language. */
export function localized(text: unknown, locale: string): string {
  if (text === null || text === undefined || text === "") return "—";
  if (typeof text !== "object") return String(text);
  const t = text as Record<string, string>;
  return (locale.startsWith("zh") ? (t.zh ?? t["zh-CN"]) : t.en) ?? t.zh ?? t.en ?? "—";
}
