"""Rows and domain objects shaped for the API (and for people: texts beside codes)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from parking_payment.api.schemas import (
    BillRead,
    CollectionRead,
    LotRead,
    OrderRead,
    TariffRead,
    TariffRules,
    VehicleRead,
    WatchRead,
)
from parking_payment.db.fees import BillRow
from parking_payment.db.parking import LotRow, TariffRow, VehicleRow, WatchRow
from parking_payment.domain.bills import BILL_STATUS_ZH, BillStatus, CollectionRate
from parking_payment.domain.gate import WATCH_REASON_ZH, WatchReason
from parking_payment.domain.money import describe_fen
from parking_payment.domain.payments import ORDER_STATUS_ZH
from parking_payment.domain.plates import COLOR_NAMES_ZH, PlateColor
from parking_payment.domain.reconciliation import MISMATCH_ZH, Mismatch
from parking_payment.domain.sessions import PASS_KIND_ZH, PassKind
from parking_payment.domain.tariffs import describe_tariff, tariff_from_rules
from parking_payment.usecases.bills import to_bill
from parking_payment.usecases.payments import OrderView

CN = ZoneInfo("Asia/Shanghai")
REFUND_STATE_ZH = {"none": "未退款", "partial": "部分退款", "full": "已全额退款"}


def order_read(view: OrderView) -> OrderRead:
    o = view.order
    return OrderRead(
        id=o.id,
        out_trade_no=o.out_trade_no,
        provider=o.provider,
        channel=o.channel,
        amount=o.amount,
        amount_text=describe_fen(o.amount),
        description=o.description,
        purpose=o.purpose,
        target_id=o.target_id,
        status=o.status.value,
        status_text=ORDER_STATUS_ZH[o.status]
        + ("" if o.refund_state == "none" else f"（{REFUND_STATE_ZH[o.refund_state]}）"),
        created_at=o.created_at,
        expires_at=o.expires_at,
        paid_at=o.paid_at,
        refunded=o.refunded,
        refund_state=o.refund_state,
        pay=view.prepay,
    )


def order_body(view: OrderView) -> dict[str, object]:
    """What an idempotent replay answers: the same JSON as the first answer."""
    return order_read(view).model_dump(mode="json")


def vehicle_read(row: VehicleRow) -> VehicleRead:
    color, kind = PlateColor(row.color), PassKind(row.pass_kind)
    return VehicleRead(
        id=row.id,
        community_id=row.community_id,
        household_id=row.household_id,
        plate=row.plate,
        color=color,
        color_text=COLOR_NAMES_ZH[color],
        pass_kind=kind,
        pass_text=PASS_KIND_ZH[kind],
        pass_valid_from=row.pass_valid_from,
        pass_valid_until=row.pass_valid_until,
    )


def watch_read(row: WatchRow) -> WatchRead:
    reason = WatchReason(row.reason)
    return WatchRead(
        id=row.id,
        plate=row.plate,
        reason=reason,
        reason_text=WATCH_REASON_ZH[reason],
        block=row.block,
        note=row.note,
        created_at=row.created_at,
    )


def lot_read(row: LotRow) -> LotRead:
    free = max(0, row.capacity - row.occupied)
    return LotRead(
        id=row.id,
        community_id=row.community_id,
        name=row.name,
        capacity=row.capacity,
        occupied=row.occupied,
        free=free,
        free_text=f"剩余车位 {free} 个",
    )


def tariff_read(row: TariffRow) -> TariffRead:
    return TariffRead(
        id=row.id,
        community_id=row.community_id,
        name=row.name,
        rules=TariffRules.model_validate(row.rules),
        summary=describe_tariff(tariff_from_rules(row.rules)),
    )


def bill_read(row: BillRow, today: date, late_fee_rate: Decimal) -> BillRead:
    bill = to_bill(row)
    status = BillStatus(row.status)
    return BillRead(
        id=row.id,
        room_label=row.room_label,
        period=row.period,
        lines=row.lines,
        total=row.total,
        total_text=describe_fen(row.total),
        due=row.due,
        status=status.value,
        status_text=BILL_STATUS_ZH[status],
        amount_due=bill.amount_due(today, late_fee_rate),
        receipt_no=row.receipt_no,
        paid_at=row.paid_at,
    )


def collection_read(community_id: str, period: str, rate: CollectionRate) -> CollectionRead:
    by_amount = float(rate.by_amount)
    return CollectionRead(
        community_id=community_id,
        period=period,
        billed=rate.billed,
        collected=rate.collected,
        bills=rate.bills,
        paid_bills=rate.paid_bills,
        rate_by_amount=by_amount,
        rate_by_count=float(rate.by_count),
        summary=f"收缴率 {by_amount * 100:.1f}%（按金额），已缴 {rate.paid_bills}/{rate.bills} 户",
    )


def reconciliation_summary(differences: list[dict[str, object]]) -> str:
    if not differences:
        return "对账平衡"
    kinds: dict[str, int] = {}
    for d in differences:
        label = MISMATCH_ZH[Mismatch(str(d["kind"]))]
        kinds[label] = kinds.get(label, 0) + 1
    parts = "，".join(f"{label} {n} 笔" for label, n in kinds.items())
    return f"发现 {len(differences)} 处差异：{parts}"


def now_text(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")
