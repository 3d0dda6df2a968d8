"""Property fees and bills (物业费与账单), pure.

Fee items (收费项目) as data: by area (按建筑面积: m² × unit price per month, e.g. 物业费
2.50 元/m²·月), fixed (固定: e.g. 垃圾清运费 10 元/户·月), or metered (按用量: the
month's water, electricity or gas from device-ingestion's figures × unit price, with
optional tiers 阶梯价). A monthly bill per room and household sums its lines; each line
is rounded half up to fen. A bill is paid whole (one payment order per bill); an
overdue bill accrues a late fee (滞纳金) per day on what is unpaid, capped at the
principal; reminders go out at set days after the due date; the property manager sees
the collection rate (收缴率) by amount and by count.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from parking_payment.domain.errors import DomainError
from parking_payment.domain.money import round_fen


class FeeKind(StrEnum):
    area = "area"
    fixed = "fixed"
    metered = "metered"


class MeterKind(StrEnum):
    water = "water"
    electricity = "electricity"
    gas = "gas"


METER_UNITS = {MeterKind.water: "m³", MeterKind.electricity: "kWh", MeterKind.gas: "m³"}


@dataclass(frozen=True, slots=True)
class Tier:
    up_to: Decimal | None  # usage up to this (None: the rest)
    price: Decimal  # fen per unit


@dataclass(frozen=True, slots=True)
class FeeItem:
    name: str  # 物业费, 公摊水费 ... shown to people
    kind: FeeKind
    unit_price: Decimal = Decimal(0)  # fen per m²·month (area) or per unit (metered)
    amount: int = 0  # fen per month (fixed)
    meter: MeterKind | None = None
    tiers: tuple[Tier, ...] = ()
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise DomainError(
                "payment.fee_item_invalid", "收费项目须有名称", "a fee item needs a name"
            )
        if self.unit_price < 0 or self.amount < 0 or any(t.price < 0 for t in self.tiers):
            raise DomainError(
                "payment.fee_item_invalid", "价格不能为负", "prices cannot be negative"
            )
        if self.kind is FeeKind.metered and self.meter is None:
            raise DomainError(
                "payment.fee_item_invalid",
                "按用量收费须指明水、电或燃气",
                "a metered fee names water, electricity or gas",
            )
        if self.tiers and self.tiers[-1].up_to is not None:
            raise DomainError(
                "payment.fee_item_invalid",
                "阶梯价的最后一档不设上限",
                "the last tier has no upper limit",
            )


@dataclass(frozen=True, slots=True)
class RoomFacts:
    room_id: str
    household_id: str | None
    community_id: str
    area_m2: Decimal
    label: str  # 幸福里社区 1号楼 1单元 101室


@dataclass(frozen=True, slots=True)
class BillLine:
    item: str
    quantity: Decimal
    unit: str
    amount: int


def metered_amount(item: FeeItem, usage: Decimal) -> Decimal:
    if not item.tiers:
        return usage * item.unit_price
    total, lower = Decimal(0), Decimal(0)
    for tier in item.tiers:
        upper = usage if tier.up_to is None else min(usage, tier.up_to)
        if upper > lower:
            total += (upper - lower) * tier.price
        if tier.up_to is not None:
            lower = max(lower, tier.up_to)
        if tier.up_to is None or usage <= tier.up_to:
            break
    return total


def bill_lines(
    items: Iterable[FeeItem], room: RoomFacts, usage: dict[MeterKind, Decimal]
) -> list[BillLine]:
    lines = []
    for item in items:
        if item.kind is FeeKind.area:
            lines.append(
                BillLine(item.name, room.area_m2, "m²", round_fen(room.area_m2 * item.unit_price))
            )
        elif item.kind is FeeKind.fixed:
            lines.append(BillLine(item.name, Decimal(1), "户", item.amount))
        else:
            assert item.meter is not None
            used = max(Decimal(0), usage.get(item.meter, Decimal(0)))
            amount = round_fen(metered_amount(item, used))
            lines.append(BillLine(item.name, used, METER_UNITS[item.meter], amount))
    return lines


class BillStatus(StrEnum):
    unpaid = "unpaid"
    paid = "paid"
    waived = "waived"  # 减免: by the manager, with a reason


BILL_STATUS_ZH = {BillStatus.unpaid: "待缴", BillStatus.paid: "已缴", BillStatus.waived: "已减免"}


@dataclass(slots=True)
class Bill:
    room: RoomFacts
    period: str  # 2026-12
    lines: list[BillLine]
    due: date
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    status: BillStatus = BillStatus.unpaid
    paid_amount: int = 0
    paid_at: datetime | None = None
    payment_ref: str | None = None  # our out_trade_no, or a cash receipt at the desk
    receipt_no: str | None = None
    reminders_sent: int = 0

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    def late_fee(self, as_of: date, rate_per_day: Decimal) -> int:
        if self.status is not BillStatus.unpaid or as_of <= self.due:
            return 0
        days = (as_of - self.due).days
        return min(self.total, round_fen(Decimal(self.total) * rate_per_day * days))

    def amount_due(self, as_of: date, rate_per_day: Decimal) -> int:
        if self.status is not BillStatus.unpaid:
            return 0
        return self.total + self.late_fee(as_of, rate_per_day)

    def pay(self, amount: int, at: datetime, ref: str, receipt_no: str) -> bool:
        """Record the payment of the whole bill; False when it was recorded already."""
        if self.status is BillStatus.paid and self.payment_ref == ref:
            return False
        if self.status is not BillStatus.unpaid:
            raise DomainError(
                "payment.bill_not_payable",
                f"该账单{BILL_STATUS_ZH[self.status]}，无需缴费",
                f"this bill is {self.status.value}; nothing to pay",
            )
        if amount < self.total:
            raise DomainError(
                "payment.bill_underpaid", "缴费金额少于账单金额", "the amount is less than the bill"
            )
        self.status = BillStatus.paid
        self.paid_amount = amount
        self.paid_at = at
        self.payment_ref = ref
        self.receipt_no = receipt_no
        return True

    def waive(self) -> None:
        if self.status is not BillStatus.unpaid:
            raise DomainError(
                "payment.bill_not_payable", "只能减免待缴账单", "only unpaid bills can be waived"
            )
        self.status = BillStatus.waived


def reminder_due(bill: Bill, as_of: date, schedule_days: tuple[int, ...] = (0, 7, 30)) -> bool:
    """Is the next reminder of an unpaid bill due (催缴: on the due date, then a week and
    a month after)? The caller sends it and counts it in ``reminders_sent``."""
    if bill.status is not BillStatus.unpaid or bill.reminders_sent >= len(schedule_days):
        return False
    return (as_of - bill.due).days >= schedule_days[bill.reminders_sent]


@dataclass(frozen=True, slots=True)
class CollectionRate:
    billed: int
    collected: int
    bills: int
    paid_bills: int

    @property
    def by_amount(self) -> Decimal:
        return Decimal(self.collected) / self.billed if self.billed else Decimal(0)

    @property
    def by_count(self) -> Decimal:
        return Decimal(self.paid_bills) / self.bills if self.bills else Decimal(0)


def collection_rate(bills: Iterable[Bill]) -> CollectionRate:
    counted = [b for b in bills if b.status is not BillStatus.waived]
    paid = [b for b in counted if b.status is BillStatus.paid]
    return CollectionRate(
        billed=sum(b.total for b in counted),
        collected=sum(b.total for b in paid),
        bills=len(counted),
        paid_bills=len(paid),
    )


def receipt_number(day: date, sequence: int) -> str:
    """收据号 ``SJ20261203-000123``: per day, in the order receipts are issued."""
    return f"SJ{day:%Y%m%d}-{sequence:06d}"
