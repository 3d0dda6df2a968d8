/** Property bills (parking-payment `/api/v1/property-bills`) as a resident reads them. */
import type { Schemas } from "@sc/client";
import { api, must } from "@/api";
import { t } from "@/i18n";

export type Bill = Schemas["BillRead"];

export interface BillLine {
  item: string;
  quantity: string; // "89.37 m²", "1 户"
  amount: number; // fen
}

/** A bill's lines (fee item, quantity with its unit, amount in fen). */
export function linesOf(bill: Bill): BillLine[] {
  return bill.lines.map((line) => ({
    item: String(line.item ?? ""),
    quantity: `${Number(line.quantity ?? 0)} ${String(line.unit ?? "")}`.trim(),
    amount: Number(line.amount ?? 0),
  }));
}

/** "2026-11" as a person says it. */
export function periodOf(period: string): string {
  const [year, month] = period.split("-");
  return t("bills.period", { year, month: Number(month) });
}

function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function overdue(bill: Bill): boolean {
  return bill.status === "unpaid" && today() > bill.due;
}

/** The household's bills still to pay: how many, and what they come to (late fees in). */
export async function billsDue(): Promise<{ count: number; amount: number }> {
  const page = must(
    await api.GET("/api/v1/property-bills", { params: { query: { status: "unpaid", limit: 100, offset: 0 } } }),
  );
  const open = page.items.filter((b) => b.amount_due > 0);
  return { count: open.length, amount: open.reduce((sum, b) => sum + b.amount_due, 0) };
}
