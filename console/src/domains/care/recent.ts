/** The care records this user opened in this browser, newest first (the care service lists
 * no records yet): what the records page offers to open again. Names only, no health data. */
export interface RecentRecord {
  id: string;
  name: string;
  gender?: string;
  birth_date?: string;
  opened_at: string;
}

const MAX = 30;

function key(user: string): string {
  return `sc.care.recent.${user}`;
}

export function recentRecords(user: string): RecentRecord[] {
  try {
    const raw = JSON.parse(localStorage.getItem(key(user)) ?? "[]");
    return Array.isArray(raw) ? (raw as RecentRecord[]) : [];
  } catch {
    return [];
  }
}

export function rememberRecord(user: string, record: Omit<RecentRecord, "opened_at">): void {
  const rest = recentRecords(user).filter((r) => r.id !== record.id);
  const next = [{ ...record, opened_at: new Date().toISOString() }, ...rest].slice(0, MAX);
  localStorage.setItem(key(user), JSON.stringify(next));
}

export function forgetRecord(user: string, id: string): void {
  localStorage.setItem(key(user), JSON.stringify(recentRecords(user).filter((r) => r.id !== id)));
}
