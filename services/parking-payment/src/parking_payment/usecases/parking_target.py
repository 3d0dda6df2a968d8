"""A parking session as something to pay (``Purpose.parking``).

The quote is what is due to leave now (the tariff, passes, what was paid, the leave
window). When the payment succeeds it is added to the session; if the car is waiting at
an exit gate (its last read there asked to pay, moments ago), the gate decides again at
once and the barrier opens: pay by the QR at the exit and drive off.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from parking_payment.db.parking import LotRow, PassageRow, SessionRow, TariffRow
from parking_payment.db.plate_facts import load_plate_facts
from parking_payment.domain.errors import DomainError
from parking_payment.domain.payments import PaymentOrder
from parking_payment.domain.sessions import describe_duration
from parking_payment.domain.tariffs import tariff_from_rules
from parking_payment.usecases.gates import Gates, coverages_of, session_of
from parking_payment.usecases.ports import Quote, Uow, Who
from parking_payment.usecases.problems import not_found

WAITING_AT_EXIT = timedelta(minutes=10)


class ParkingTarget:
    def __init__(self, gates: Gates, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self.gates = gates
        self.clock = clock

    async def quote(self, uow: Uow, who: Who, target_id: str, now: datetime) -> Quote:
        row = await self._row(uow, target_id, lock=False)
        if row.status != "open":
            raise DomainError(
                "parking.session_not_open", "该停车记录已结束，无需缴费", "this stay has ended"
            )
        rules = (
            await uow.session.execute(
                select(TariffRow.rules)
                .join(LotRow, LotRow.tariff_id == TariffRow.id)
                .where(LotRow.id == row.lot_id)
            )
        ).scalar_one()
        facts = await load_plate_facts(
            uow.session, row.community_id, row.lot_id, row.plate_index, now
        )
        coverages, _ = coverages_of(facts.vehicle, facts.visitor)
        due, fee = session_of(row).due_at(tariff_from_rules(rules), now, coverages)
        if due <= 0:
            raise DomainError(
                "parking.nothing_due", "当前无需缴费，可直接离场", "nothing to pay; you may leave"
            )
        plate = row.plate or "无牌车"
        return Quote(
            due, f"停车费 {plate} 停车{describe_duration(fee.minutes)}", row.community_id, None
        )

    async def paid(self, uow: Uow, order: PaymentOrder) -> bool:
        row = await self._row(uow, order.target_id, lock=True)
        if row.status != "open":
            return False
        paid_at = order.paid_at or self.clock()
        row.paid += order.amount
        row.last_paid_at = paid_at
        waiting = (
            await uow.session.execute(
                select(PassageRow)
                .where(
                    PassageRow.session_id == row.id,
                    PassageRow.direction == "exit",
                    PassageRow.action == "pay",
                    PassageRow.at > self.clock() - WAITING_AT_EXIT,
                )
                .order_by(PassageRow.at.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if waiting is not None:
            await uow.session.flush()
            gate = await self.gates.gate_by_id(uow, waiting.gate_id)
            await self.gates.decide_and_apply(
                uow,
                gate,
                row.plate,
                self.clock(),
                source="payment",
                requested_by=order.payer_account or "parking-payment",
                ticket=row.ticket,  # a car without a plate: its stay by the scanned ticket
            )
        return True

    async def _row(self, uow: Uow, target_id: str, *, lock: bool) -> SessionRow:
        try:
            session_id = uuid.UUID(target_id)
        except ValueError:
            raise not_found(
                "parking.session_not_found", "找不到该停车记录", "no such stay"
            ) from None
        query = select(SessionRow).where(SessionRow.id == session_id)
        if lock:
            query = query.with_for_update()
        row = (await uow.session.execute(query)).scalar_one_or_none()
        if row is None:
            raise not_found("parking.session_not_found", "找不到该停车记录", "no such stay")
        return row
