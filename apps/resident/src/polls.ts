/**
 * Poll receipts (民意征集投票的回执号): the service shows a ballot's receipt once, when it is
 * cast; the app keeps it per account on this device, so the resident finds it again on the
 * poll's page and, once the poll has closed, checks the ballot among the published ones.
 */
import { me } from "@/session";

const KEY = "sc-app-poll-receipts:";
const KEEP = 200;

function kept(): Record<string, string> {
  const id = me.value?.id;
  const value = id ? uni.getStorageSync(KEY + id) : null;
  return value && typeof value === "object" ? (value as Record<string, string>) : {};
}

export function receiptOf(pollId: string): string | null {
  return kept()[pollId] ?? null;
}

export function keepReceipt(pollId: string, receipt: string) {
  const id = me.value?.id;
  if (!id) return;
  const all = Object.entries({ ...kept(), [pollId]: receipt }).slice(-KEEP);
  uni.setStorageSync(KEY + id, Object.fromEntries(all));
}
