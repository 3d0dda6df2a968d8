"""The office's hold on its legal services (法律服务, 6.5.4 c): a lawyer deactivated (暂停服务)
and reactivated, a consultation slot still to come withdrawn (撤回时段).

Only the community's office (``OFFICE_ROLES``) does it. A live booking of what is called
off is cancelled in the same transaction and its resident told why, in zh-CN and English,
through the notification service (``gov.legal.withdrawn``). Deactivating a lawyer
withdraws every slot of theirs still to come; reactivating them withdraws nothing back:
the office publishes new times.

A resident booking at the same moment cannot slip past: booking takes the lawyer's and
then the slot's row lock for share (``LegalBookings.book``), withdrawing takes them for
update in the same order, so either the booking commits first and is cancelled here, or
it waits and then finds the slot withdrawn (``legal.slot_unavailable``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from gov_affairs.db.legal import LawyerRow, LegalBookingRow, LegalSlotRow
from gov_affairs.domain import legal as d
from gov_affairs.usecases.legal import Legal, SlotView, _not_found, _problem, _say
from gov_affairs.usecases.legal_events import booking_changed
from gov_affairs.usecases.outbound import tell_accounts
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork


class LegalRoster:
    def __init__(self, legal: Legal) -> None:
        self.legal = legal
        self.db = legal.db

    async def deactivate(self, who: Caller, lawyer_id: uuid.UUID) -> tuple[LawyerRow, int]:
        """The lawyer stops consulting here; returns them and how many bookings were
        called off."""
        now = self.legal.clock()
        async with self.db.uow() as uow:
            lawyer = await self._lawyer(uow, who, lawyer_id, want=False)
            lawyer.active = False
            slots = (
                await uow.session.scalars(
                    select(LegalSlotRow)
                    .where(
                        LegalSlotRow.lawyer_id == lawyer.id,
                        LegalSlotRow.withdrawn.is_(False),
                        LegalSlotRow.starts_at > now,
                    )
                    .order_by(LegalSlotRow.starts_at, LegalSlotRow.id)
                    .with_for_update()
                )
            ).all()
            called_off = 0
            for slot in slots:
                slot.withdrawn = True
                called_off += await self._call_off(uow, slot, lawyer, "lawyer")
            await uow.audit(
                who,
                "legal.lawyer_deactivate",
                "legal_lawyer",
                str(lawyer.id),
                community_id=lawyer.community_id,
                detail={"slots_withdrawn": len(slots), "bookings_cancelled": called_off},
            )
            await uow.commit()
        return lawyer, called_off

    async def reactivate(self, who: Caller, lawyer_id: uuid.UUID) -> LawyerRow:
        async with self.db.uow() as uow:
            lawyer = await self._lawyer(uow, who, lawyer_id, want=True)
            lawyer.active = True
            await uow.audit(
                who,
                "legal.lawyer_reactivate",
                "legal_lawyer",
                str(lawyer.id),
                community_id=lawyer.community_id,
            )
            await uow.commit()
        return lawyer

    async def withdraw(self, who: Caller, slot_id: uuid.UUID) -> tuple[SlotView, int]:
        """The slot is no longer offered; returns it and how many bookings were called off
        (0 or 1)."""
        async with self.db.uow() as uow:
            found = await uow.session.get(LegalSlotRow, slot_id)
            if found is None:
                raise _not_found("slot")
            self.legal._office(who, found.community_id)
            # the lawyer's lock first, as booking takes it (see the module's note)
            lawyer = await uow.session.get(LawyerRow, found.lawyer_id, with_for_update=True)
            slot = await uow.session.get(
                LegalSlotRow, slot_id, with_for_update=True, populate_existing=True
            )
            assert lawyer is not None and slot is not None
            try:
                d.check_withdraw(
                    starts_at=slot.starts_at, withdrawn=slot.withdrawn, now=self.legal.clock()
                )
            except d.LegalError as exc:
                raise _problem(exc) from exc
            slot.withdrawn = True
            called_off = await self._call_off(uow, slot, lawyer, "slot")
            await uow.audit(
                who,
                "legal.slot_withdraw",
                "legal_slot",
                str(slot.id),
                community_id=slot.community_id,
                detail={"bookings_cancelled": called_off},
            )
            await uow.commit()
        return SlotView(slot, lawyer, False), called_off

    async def _lawyer(
        self, uow: UnitOfWork, who: Caller, lawyer_id: uuid.UUID, *, want: bool
    ) -> LawyerRow:
        lawyer = await uow.session.get(LawyerRow, lawyer_id, with_for_update=True)
        if lawyer is None:
            raise _not_found("lawyer")
        self.legal._office(who, lawyer.community_id)
        try:
            d.check_active(lawyer.active, want=want)
        except d.LegalError as exc:
            raise _problem(exc) from exc
        return lawyer

    async def _call_off(
        self, uow: UnitOfWork, slot: LegalSlotRow, lawyer: LawyerRow, why: str
    ) -> int:
        """Cancel the slot's live booking, if any, and tell its resident why."""
        booking = await uow.session.scalar(
            select(LegalBookingRow)
            .where(LegalBookingRow.slot_id == slot.id, LegalBookingRow.status == "booked")
            .with_for_update()
        )
        if booking is None:
            return 0
        now: datetime = self.legal.clock()
        booking.status, booking.cancelled_at = "cancelled", now
        await booking_changed(uow, booking, "withdrawn", now)
        zh, en = _say(slot.starts_at)
        reason = d.WITHDRAWN_WORDS[why]
        await tell_accounts(
            uow,
            to=[booking.resident],
            template="gov.legal.withdrawn",
            variables={
                "time": zh,
                "time_en": en,
                "lawyer": lawyer.name,
                "lawyer_en": lawyer.name,
                "why": reason.zh,
                "why_en": reason.en,
            },
            community_id=booking.community_id,
            correlation_id=str(booking.id),
            once=f"{booking.id}:legal.withdrawn",
        )
        return 1
