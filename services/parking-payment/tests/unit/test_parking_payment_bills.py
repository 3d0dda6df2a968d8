from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from parking_payment.domain.bills import (
    Bill,
    BillStatus,
    FeeItem,
    FeeKind,
    MeterKind,
    RoomFacts,
    Tier,
    bill_lines,
    collection_rate,
    metered_amount,
    receipt_number,
    reminder_due,
)
from parking_payment.domain.errors import DomainError

ROOM = RoomFacts("room-101", "hh-101", "DEMO-001", Decimal("89.37"), "幸福里社区 1号楼 1单元 101室")
PROPERTY = FeeItem("物业费", FeeKind.area, unit_price=Decimal(250))  # 2.50 元/m²·月
GARBAGE = FeeItem("垃圾清运费", FeeKind.fixed, amount=1000)
WATER = FeeItem(
    "水费",
    FeeKind.metered,
    meter=MeterKind.water,
    tiers=(
        Tier(Decimal(15), Decimal(345)),
        Tier(Decimal(25), Decimal(483)),
        Tier(None, Decimal(900)),
    ),
)
POWER = FeeItem(
    "公摊电费", FeeKind.metered, unit_price=Decimal("56.5"), meter=MeterKind.electricity
)
NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)


def test_lines_by_area_fixed_and_metered():
    lines = bill_lines(
        [PROPERTY, GARBAGE, WATER, POWER],
        ROOM,
        {MeterKind.water: Decimal("18.5"), MeterKind.electricity: Decimal(7)},
    )
    assert [(line.item, line.amount) for line in lines] == [
        ("物业费", 22343),  # 89.37 × 2.50 = 223.425 → 223.43
        ("垃圾清运费", 1000),
        ("水费", 6866),  # 15 × 3.45 + 3.5 × 4.83 = 68.655 → 68.66 (half up)
        ("公摊电费", 396),  # 7 × 0.565 = 3.955 → 3.96
    ]
    assert lines[2].amount == 6866
    assert lines[2].unit == "m³"


def test_tiers():
    assert metered_amount(WATER, Decimal(10)) == 3450
    assert metered_amount(WATER, Decimal(30)) == 15 * 345 + 10 * 483 + 5 * 900
    assert metered_amount(WATER, Decimal(0)) == 0


def test_bill_payment_is_recorded_once_and_late_fees_accrue():
    bill = Bill(ROOM, "2026-11", bill_lines([PROPERTY, GARBAGE], ROOM, {}), due=date(2026, 11, 30))
    assert bill.total == 23343
    rate = Decimal("0.0003")  # 万分之三/天
    assert bill.late_fee(date(2026, 11, 30), rate) == 0
    assert bill.late_fee(date(2026, 12, 10), rate) == 70  # 233.43 × 0.0003 × 10 = 0.70
    assert bill.late_fee(date(2040, 1, 1), rate) == bill.total  # capped at the principal
    assert bill.amount_due(date(2026, 12, 10), rate) == 23413
    assert bill.pay(23413, NOW, "P1", receipt_number(NOW.date(), 1))
    assert not bill.pay(23413, NOW, "P1", "again")  # the same payment again
    assert bill.receipt_no == "SJ20261203-000001"
    with pytest.raises(DomainError) as err:
        bill.pay(23413, NOW, "P2", "x")
    assert err.value.code == "payment.bill_not_payable"
    assert bill.amount_due(date(2026, 12, 10), rate) == 0


def test_underpayment_refused():
    bill = Bill(ROOM, "2026-11", bill_lines([GARBAGE], ROOM, {}), due=date(2026, 11, 30))
    with pytest.raises(DomainError) as err:
        bill.pay(999, NOW, "P1", "r")
    assert err.value.code == "payment.bill_underpaid"
    assert bill.status is BillStatus.unpaid


def test_reminders_on_schedule():
    bill = Bill(ROOM, "2026-11", bill_lines([GARBAGE], ROOM, {}), due=date(2026, 11, 30))
    assert not reminder_due(bill, date(2026, 11, 29))
    assert reminder_due(bill, date(2026, 11, 30))
    bill.reminders_sent = 1
    assert not reminder_due(bill, date(2026, 12, 6))
    assert reminder_due(bill, date(2026, 12, 7))
    bill.reminders_sent = 3
    assert not reminder_due(bill, date(2027, 6, 1))


def test_collection_rate_by_amount_and_count_without_waived():
    bills = [
        Bill(ROOM, "2026-11", bill_lines([GARBAGE], ROOM, {}), due=date(2026, 11, 30))
        for _ in range(4)
    ]
    bills[0].pay(1000, NOW, "P1", "r1")
    bills[1].pay(1000, NOW, "P2", "r2")
    bills[2].waive()
    rate = collection_rate(bills)
    assert (rate.billed, rate.collected, rate.bills, rate.paid_bills) == (3000, 2000, 3, 2)
    assert round(rate.by_amount, 4) == Decimal("0.6667")
    assert collection_rate([]).by_amount == 0


def test_fee_items_checked():
    with pytest.raises(DomainError):
        FeeItem("水费", FeeKind.metered, unit_price=Decimal(1))
    with pytest.raises(DomainError):
        FeeItem("", FeeKind.fixed, amount=1)
    with pytest.raises(DomainError):
        FeeItem("x", FeeKind.metered, meter=MeterKind.gas, tiers=(Tier(Decimal(1), Decimal(1)),))


def test_a_price_tier_without_a_price_is_refused_not_a_crash() -> None:
    # the merged-OpenAPI fuzz sent {"tiers": [{}]} to POST /property-bills/fee-items: a 500
    from parking_payment.db.fees import FeeItemRow
    from parking_payment.domain.errors import DomainError
    from parking_payment.usecases.bills import fee_item

    def row(tiers: list[dict[str, str | None]]) -> FeeItemRow:
        return FeeItemRow(
            name="水费", kind="metered", unit_price=0, amount=0, meter="water", tiers=tiers
        )

    item = fee_item(row([{"up_to": "10", "price": "350"}, {"up_to": None, "price": "500"}]))
    assert [(t.up_to, t.price) for t in item.tiers] == [(10, 350), (None, 500)]
    for bad in ({}, {"up_to": "10"}, {"price": "lots"}, {"up_to": "x", "price": "1"}):
        with pytest.raises(DomainError) as refused:
            fee_item(row([bad]))
        assert refused.value.code == "payment.fee_item_bad_tier"
        assert "price" in refused.value.message_en and "阶梯" in refused.value.message_zh
