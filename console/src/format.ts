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
