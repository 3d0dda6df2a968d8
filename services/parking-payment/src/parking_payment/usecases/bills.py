"""Property bills (物业账单): generate a month's bills, take payment for one (a payment
target), remind the unpaid, and show the manager the collection rate.

Bills are generated per room the property registered with its billable area
(``fee_rooms``), from the community's active fee items; metered items use the room's
meter figures (``usecases.meters``). Generating again skips rooms billed already.
Reminders go to the household through the notification service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert

from parking_payment.db.fees import BillRow, FeeItemRow, FeeRoomRow, ReceiptCounterRow
from parking_payment.domain.bills import (
    Bill,
    BillLine,
    BillStatus,
    CollectionRate,
    FeeItem,
    FeeKind,
    MeterKind,
    RoomFacts,
    Tier,
    bill_lines,
    collection_rate,
    receipt_number,
    reminder_due,
)
from parking_payment.domain.errors import DomainError
from parking_payment.domain.money import describe_fen, fen_to_yuan
from parking_payment.domain.payments import PaymentOrder
from parking_payment.usecases import meters
from parking_payment.usecases.ports import Quote, Uow, UowFactory, Who
from parking_payment.usecases.problems import not_found
from sc_contracts.events.notification import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
)
from sc_core.auth.scope import ensure_in_scope

CN = ZoneInfo("Asia/Shanghai")
STAFF = ("property_staff", "property_manager", "community_admin")


def fee_item(row: FeeItemRow) -> FeeItem:
    return FeeItem(
        name=row.name,
        kind=FeeKind(row.kind),
        unit_price=Decimal(row.unit_price),
        amount=row.amount,
        meter=MeterKind(row.meter) if row.meter else None,
        tiers=tuple(_tier(t) for t in row.tiers or []),
        id=row.id,
    )


def _tier(tier: dict[str, str | None]) -> Tier:
    """One price tier ``{"up_to": "10", "price": "350"}``; anything else is refused (a tier
    without a price or with one that is not a number was a 500)."""
    try:
        up_to = tier.get("up_to")
        return Tier(Decimal(up_to) if up_to is not None else None, Decimal(str(tier["price"])))
    except (KeyError, ArithmeticError, ValueError, TypeError):
        raise DomainError(
            "payment.fee_item_bad_tier",
            "阶梯价格须写明价格（price，分）及可选的用量上限（up_to）",
            "a price tier needs a price (fen) and may have an upper bound (up_to)",
        ) from None


def to_bill(row: BillRow) -> Bill:
    room = RoomFacts(row.room_id, row.household_id, row.community_id, row.area_m2, row.room_label)
    lines = [
        BillLine(x["item"], Decimal(x["quantity"]), x["unit"], int(x["amount"])) for x in row.lines
    ]
    bill = Bill(room, row.period, lines, row.due, id=row.id, status=BillStatus(row.status))
    bill.paid_amount, bill.paid_at = row.paid_amount, row.paid_at
    bill.payment_ref, bill.receipt_no = row.payment_ref, row.receipt_no
    bill.reminders_sent = row.reminders_sent
    return bill


class Bills:
    def __init__(
        self,
        uow: UowFactory,
        *,
        late_fee_rate: Decimal = Decimal(0),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.uow = uow
        self.late_fee_rate = late_fee_rate
        self.clock = clock

    async def generate(self, who: Who, community_id: str, period: str, due: date) -> int:
        ensure_in_scope(who.principal, community_id=community_id, roles=STAFF)
        async with self.uow() as uow:
            items = [
                fee_item(r)
                for r in (
                    await uow.session.execute(
                        select(FeeItemRow).where(
                            FeeItemRow.community_id == community_id, FeeItemRow.active
                        )
                    )
                ).scalars()
            ]
            if not items:
                raise DomainError(
                    "payment.no_fee_items",
                    "本社区尚未设置收费项目",
                    "no fee items in this community",
                )
            rooms = (
                await uow.session.execute(
                    select(FeeRoomRow).where(FeeRoomRow.community_id == community_id)
                )
            ).scalars()
            made = 0
            for room in rooms:
                facts = RoomFacts(
                    room.room_id, room.household_id, community_id, room.area_m2, room.label
                )
                used = await meters.usage(uow, room.room_id, period)
                lines = bill_lines(items, facts, used)
                inserted = await uow.session.execute(
                    insert(BillRow)
                    .values(
                        id=uuid.uuid4(),
                        community_id=community_id,
                        building_id=room.building_id,
                        unit_id=room.unit_id,
                        room_id=room.room_id,
                        household_id=room.household_id,
                        room_label=room.label,
                        area_m2=room.area_m2,
                        period=period,
                        lines=[
                            {
                                "item": x.item,
                                "quantity": str(x.quantity),
                                "unit": x.unit,
                                "amount": x.amount,
                            }
                            for x in lines
                        ],
                        total=sum(x.amount for x in lines),
                        due=due,
                        status="unpaid",
                    )
                    .on_conflict_do_nothing(index_elements=["room_id", "period"])
                    .returning(BillRow.id)
                )
                made += 1 if inserted.scalar_one_or_none() else 0
            await uow.audit(
                who,
                "bill.generate",
                "bill",
                None,
                community_id=community_id,
                detail={"period": period, "bills": str(made)},
            )
            await uow.commit()
        return made

    # -- a payment target ------------------------------------------------------------
    async def quote(self, uow: Uow, who: Who, target_id: str, now: datetime) -> Quote:
        row = await self._row(uow, target_id, lock=False)
        ensure_in_scope(who.principal, community_id=row.community_id, household_id=row.household_id)
        bill = to_bill(row)
        due = bill.amount_due(now.astimezone(CN).date(), self.late_fee_rate)
        if due <= 0:
            raise DomainError("payment.bill_not_payable", "该账单无需缴费", "nothing to pay")
        year, month = row.period.split("-")
        return Quote(
            due,
            f"物业费 {row.room_label} {year}年{int(month)}月",
            row.community_id,
            row.household_id,
        )

    async def paid(self, uow: Uow, order: PaymentOrder) -> bool:
        row = await self._row(uow, order.target_id, lock=True)
        if row.status != "unpaid":
            return False
        at = order.paid_at or self.clock()
        bill = to_bill(row)
        receipt = receipt_number(at.astimezone(CN).date(), await self._next_receipt(uow, at))
        bill.pay(order.amount, at, order.out_trade_no, receipt)
        row.status, row.paid_amount, row.paid_at = bill.status.value, bill.paid_amount, at
        row.payment_ref, row.receipt_no = bill.payment_ref, bill.receipt_no
        return True

    async def _next_receipt(self, uow: Uow, at: datetime) -> int:
        day = at.astimezone(CN).date()
        stmt = (
            insert(ReceiptCounterRow)
            .values(day=day, last=1)
            .on_conflict_do_update(
                index_elements=["day"], set_={"last": ReceiptCounterRow.last + 1}
            )
            .returning(ReceiptCounterRow.last)
        )
        return int((await uow.session.execute(stmt)).scalar_one())

    async def _row(self, uow: Uow, target_id: str, *, lock: bool) -> BillRow:
        try:
            bill_id = uuid.UUID(target_id)
        except ValueError:
            raise not_found("payment.bill_not_found", "找不到该账单", "no such bill") from None
        query = select(BillRow).where(BillRow.id == bill_id)
        row = (
            await uow.session.execute(query.with_for_update() if lock else query)
        ).scalar_one_or_none()
        if row is None:
            raise not_found("payment.bill_not_found", "找不到该账单", "no such bill")
        return row

    # -- reminders and collection -----------------------------------------------------
    async def send_reminders(self) -> int:
        today = self.clock().astimezone(CN).date()
        sent = 0
        async with self.uow() as uow:
            rows = (
                await uow.session.execute(
                    select(BillRow)
                    .where(BillRow.status == "unpaid", BillRow.due <= today)
                    .with_for_update(skip_locked=True)
                    .limit(500)
                )
            ).scalars()
            for row in rows:
                bill = to_bill(row)
                if not reminder_due(bill, today) or row.household_id is None:
                    continue
                due = bill.amount_due(today, self.late_fee_rate)
                year, month = row.period.split("-")
                await uow.publish(
                    NotificationRequestedV1(
                        request_id=f"bill-reminder-{row.id}-{row.reminders_sent + 1}",
                        recipients=Recipients(household_ids=[row.household_id]),
                        template="bill.reminder",
                        variables={
                            "title": "物业费缴费提醒",
                            "body": f"{row.room_label} {year}年{int(month)}月物业费"
                            f"{describe_fen(due)}尚未缴纳，请在小程序中缴费。",
                            "title_en": "Property fee reminder",
                            "body_en": f"The property fee of {row.room_label} for "
                            f"{year}-{month}, {fen_to_yuan(due)} yuan, is unpaid; please pay "
                            "it in the mini-program.",
                        },
                        severity=NotificationSeverity.INFO,
                        channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
                        source_service="parking-payment",
                        community_id=row.community_id,
                        correlation_id=str(row.id),
                    ),
                    key=str(row.id),
                )
                await uow.session.execute(
                    update(BillRow)
                    .where(BillRow.id == row.id)
                    .values(reminders_sent=BillRow.reminders_sent + 1)
                )
                sent += 1
            await uow.commit()
        return sent

    async def collection(self, who: Who, community_id: str, period: str) -> CollectionRate:
        ensure_in_scope(who.principal, community_id=community_id, roles=STAFF)
        async with self.uow() as uow:
            rows = (
                await uow.session.execute(
                    select(BillRow).where(
                        BillRow.community_id == community_id, BillRow.period == period
                    )
                )
            ).scalars()
            return collection_rate(to_bill(r) for r in rows)
