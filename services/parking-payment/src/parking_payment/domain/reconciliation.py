"""Daily reconciliation (对账): our records of a day against the provider's bill.

Each side is a list of entries, payments and refunds, keyed by our number
(``out_trade_no`` / ``out_refund_no``). The report names every difference:

- ``missing_locally``: the provider took money we have no success for (a lost callback
  our recovery did not catch: query and apply; never ignore);
- ``missing_at_provider``: we count a success the provider's bill does not have;
- ``amount_mismatch``: both have it with different amounts;
- ``merchant_mismatch``: the bill line is another merchant's.

Matched entries are counted; totals are summed per side so the report answers "does
the day balance" at a glance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from parking_payment.domain.payments import Provider


class EntryKind(StrEnum):
    payment = "payment"
    refund = "refund"


class Mismatch(StrEnum):
    missing_locally = "missing_locally"
    missing_at_provider = "missing_at_provider"
    amount_mismatch = "amount_mismatch"
    merchant_mismatch = "merchant_mismatch"


MISMATCH_ZH = {
    Mismatch.missing_locally: "渠道有、本地无（长款）",
    Mismatch.missing_at_provider: "本地有、渠道无（短款）",
    Mismatch.amount_mismatch: "金额不一致",
    Mismatch.merchant_mismatch: "商户号不一致",
}


@dataclass(frozen=True, slots=True)
class Entry:
    kind: EntryKind
    number: str  # out_trade_no or out_refund_no
    amount: int  # fen
    merchant_id: str
    trade_no: str | None = None


@dataclass(frozen=True, slots=True)
class Difference:
    kind: Mismatch
    entry_kind: EntryKind
    number: str
    local_amount: int | None
    provider_amount: int | None


@dataclass(slots=True)
class Report:
    provider: Provider
    day: date
    matched: int = 0
    local_total: dict[str, int] = field(default_factory=dict)
    provider_total: dict[str, int] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.differences


def reconcile(
    provider: Provider,
    day: date,
    merchant_id: str,
    local: list[Entry],
    bill: list[Entry],
) -> Report:
    report = Report(provider, day)
    for side, entries in (("local", local), ("provider", bill)):
        totals = report.local_total if side == "local" else report.provider_total
        for kind in EntryKind:
            totals[kind.value] = sum(e.amount for e in entries if e.kind is kind)
    ours = {(e.kind, e.number): e for e in local}
    theirs: dict[tuple[EntryKind, str], Entry] = {}
    for line in bill:
        if line.merchant_id != merchant_id:
            report.differences.append(
                Difference(Mismatch.merchant_mismatch, line.kind, line.number, None, line.amount)
            )
            continue
        theirs[(line.kind, line.number)] = line
    for key, line in theirs.items():
        mine = ours.get(key)
        if mine is None:
            report.differences.append(
                Difference(Mismatch.missing_locally, line.kind, line.number, None, line.amount)
            )
        elif mine.amount != line.amount:
            report.differences.append(
                Difference(
                    Mismatch.amount_mismatch, line.kind, line.number, mine.amount, line.amount
                )
            )
        else:
            report.matched += 1
    for key, mine in ours.items():
        if key not in theirs:
            report.differences.append(
                Difference(Mismatch.missing_at_provider, mine.kind, mine.number, mine.amount, None)
            )
    report.differences.sort(key=lambda d: (d.kind.value, d.entry_kind.value, d.number))
    return report
