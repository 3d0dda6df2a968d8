/** Period keys of the evaluation API (Beijing time): 2026-11-03, 2026-11, 2026-Q4, 2026. */
export type Granularity = "day" | "month" | "quarter" | "year";

const pad = (n: number) => String(n).padStart(2, "0");

/** The date's year, month and day in Beijing time. */
function beijing(d: Date): [number, number, number] {
  const b = new Date(d.getTime() + 8 * 3600_000);
  return [b.getUTCFullYear(), b.getUTCMonth() + 1, b.getUTCDate()];
}

export function periodKey(d: Date, g: Granularity): string {
  const [y, m, day] = beijing(d);
  if (g === "day") return `${y}-${pad(m)}-${pad(day)}`;
  if (g === "month") return `${y}-${pad(m)}`;
  if (g === "quarter") return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
  return String(y);
}

/** The ``count`` periods up to and including the one holding ``d``, oldest first. */
export function periodsBefore(d: Date, g: Granularity, count: number): string[] {
  const [y, m, day] = beijing(d);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    if (g === "day") out.push(periodKey(new Date(Date.UTC(y, m - 1, day - i, 4)), g));
    else if (g === "month") out.push(periodKey(new Date(Date.UTC(y, m - 1 - i, 15)), g));
    else if (g === "quarter") out.push(periodKey(new Date(Date.UTC(y, m - 1 - 3 * i, 15)), g));
    else out.push(String(y - i));
  }
  return out;
}

/** A period key as people read it: 2026年11月 / Nov 2026, 2026年第4季度 / Q4 2026. */
export function periodLabel(key: string, locale: string): string {
  const zh = locale.startsWith("zh");
  const q = /^(\d{4})-Q(\d)$/.exec(key);
  if (q) return zh ? `${q[1]}年第${q[2]}季度` : `Q${q[2]} ${q[1]}`;
  const parts = key.split("-").map(Number);
  if (parts.length === 1) return zh ? `${parts[0]}年` : String(parts[0]);
  const date = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] ?? 1, 4));
  const opts: Intl.DateTimeFormatOptions = parts.length === 3 ? { year: "numeric", month: "short", day: "numeric" } : { year: "numeric", month: "short" };
  return date.toLocaleDateString(zh ? "zh-CN" : "en", { ...opts, timeZone: "UTC" });
}
