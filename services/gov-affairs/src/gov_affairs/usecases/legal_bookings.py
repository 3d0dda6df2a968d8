"""Residents' bookings of legal consultations (6.5.4 c): book, cancel, the outcome the
lawyer records, the mediation case it went on to, the resident's rating; who reads which.
The slot's one booking is the database's to hold (``ux_legal_bookings_slot``): two
residents booking one slot at once both insert, one insert waits for the other and fails."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from gov_affairs.db.legal import LawyerRow, LegalBookingRow, LegalSlotRow
from gov_affairs.domain import legal as d
from gov_affairs.usecases.legal import BookingView, Legal, _not_found, _problem, _say, office
from gov_affairs.usecases.legal_events import booking_changed
from gov_affairs.usecases.outbound import tell_accounts
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth import Caller
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem


class LegalBookings:
    def __init__(self, legal: Legal) -> None:
        self.legal = legal
        self.db = legal.db

    async def book(
        self, who: Caller, slot_id: uuid.UUID, *, topic: str, question: str
    ) -> BookingView:
        now = self.legal.clock()
        try:
            async with self.db.uow() as uow:
                slot = await uow.session.get(LegalSlotRow, slot_id)
                if slot is None:
                    raise _not_found("slot")
                household = await self.legal._home(uow, who, slot.community_id)
                if household is None:
                    raise Problem(
                        403,
                        "legal.not_a_resident",
                        "Only a resident of the community books its legal consultations",
                        zh="只有本社区居民可以预约法律咨询",
                    )
                # the lawyer's, then the slot's lock for share: the office withdrawing either
                # waits for this booking, or this booking for it (usecases/legal_roster.py)
                share = {"read": True}
                lawyer = await uow.session.get(
                    LawyerRow, slot.lawyer_id, with_for_update=share, populate_existing=True
                )
                slot = await uow.session.get(
                    LegalSlotRow, slot_id, with_for_update=share, populate_existing=True
                )
                assert lawyer is not None and slot is not None
                try:
                    d.check_bookable(
                        starts_at=slot.starts_at,
                        withdrawn=slot.withdrawn,
                        lawyer_active=lawyer.active,
                        now=now,
                    )
                except d.LegalError as exc:
                    raise _problem(exc) from exc
                row = LegalBookingRow(
                    id=uuid.uuid4(),
                    slot_id=slot.id,
                    lawyer_id=lawyer.id,
                    community_id=slot.community_id,
                    household_id=household,
                    resident=who.subject,
                    starts_at=slot.starts_at,
                    topic=topic,
                    question=question,
                    fee_fen=slot.fee_fen,
                    status="booked",
                    booked_at=now,
                )
                uow.session.add(row)
                await uow.session.flush()  # the unique indexes decide here
                await booking_changed(uow, row, "booked", now)
                await uow.audit(
                    who,
                    "legal.book",
                    "legal_slot",
                    str(slot.id),
                    community_id=slot.community_id,
                    detail={"booking_id": str(row.id)},
                )
                zh, en = _say(slot.starts_at)
                mode, topic_words = d.MODE_WORDS[slot.mode], d.TOPIC_WORDS[topic]
                fee = d.fee_words(slot.fee_fen)
                common = {"time": zh, "time_en": en, "mode": mode.zh, "mode_en": mode.en}
                await tell_accounts(
                    uow,
                    to=[lawyer.account_id],
                    template="gov.legal.booked",
                    variables={**common, "topic": topic_words.zh, "topic_en": topic_words.en},
                    community_id=slot.community_id,
                    correlation_id=str(row.id),
                    once=f"{row.id}:legal.booked",
                )
                await tell_accounts(
                    uow,
                    to=[who.subject],
                    template="gov.legal.confirmed",
                    variables={
                        **common,
                        "lawyer": lawyer.name,
                        "lawyer_en": lawyer.name,
                        "venue": slot.place or mode.zh,
                        "fee": fee.zh,
                        "fee_en": fee.en,
                    },
                    community_id=slot.community_id,
                    correlation_id=str(row.id),
                    once=f"{row.id}:legal.confirmed",
                )
                view = await Legal.view(uow, row)
                await uow.commit()
        except IntegrityError as exc:
            if "ux_legal_bookings_resident_time" in str(exc.orig):
                raise Problem(
                    409,
                    "legal.already_booked",
                    "You have a consultation booked at that time already",
                    zh="您在该时间已预约了其他咨询",
                ) from exc
            raise Problem(
                409,
                "legal.slot_taken",
                "Someone has just booked this consultation time",
                zh="该咨询时段已被他人预约",
            ) from exc
        return view

    async def page(
        self, who: Caller, paging: PageParams, *, community_id: str | None, status: str | None
    ) -> tuple[list[BookingView], PageTotal]:
        b = LegalBookingRow
        query = select(b).where(Legal.visible(who))
        if community_id is not None:
            query = query.where(b.community_id == community_id)
        if status is not None:
            query = query.where(b.status == status)
        query = query.order_by(b.starts_at.desc(), b.id)
        async with self.db.uow(read_only=True) as uow:
            rows, total = await fetch_page(uow.session, query, paging)
            return [await Legal.view(uow, r) for r in rows], total

    async def read(self, who: Caller, booking_id: uuid.UUID) -> BookingView:
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.scalar(
                select(LegalBookingRow).where(LegalBookingRow.id == booking_id, Legal.visible(who))
            )
            if row is None:
                raise _not_found("booking")
            return await Legal.view(uow, row)

    async def _locked(
        self, uow: UnitOfWork, who: Caller, booking_id: uuid.UUID
    ) -> tuple[LegalBookingRow, LawyerRow]:
        row = await uow.session.scalar(
            select(LegalBookingRow)
            .where(LegalBookingRow.id == booking_id, Legal.visible(who))
            .with_for_update()
        )
        if row is None:
            raise _not_found("booking")
        lawyer = await uow.session.get(LawyerRow, row.lawyer_id)
        assert lawyer is not None
        return row, lawyer

    async def cancel(self, who: Caller, booking_id: uuid.UUID, reason: str) -> BookingView:
        async with self.db.uow() as uow:
            row, lawyer = await self._locked(uow, who, booking_id)
            if who.subject != row.resident and not office(who, row.community_id):
                raise Problem(
                    403,
                    "legal.not_yours",
                    "Only the resident who booked or the community's office cancels a booking",
                    zh="只有预约的居民或社区工作人员可以取消预约",
                )
            try:
                d.check_cancel(row.status, row.starts_at, self.legal.clock())
            except d.LegalError as exc:
                raise _problem(exc) from exc
            row.status = "cancelled"
            row.cancelled_at = self.legal.clock()
            await booking_changed(uow, row, "cancelled", row.cancelled_at)
            await uow.audit(
                who,
                "legal.cancel",
                "legal_booking",
                str(row.id),
                community_id=row.community_id,
            )
            zh, en = _say(row.starts_at)
            told = [lawyer.account_id] + ([row.resident] if who.subject != row.resident else [])
            await tell_accounts(
                uow,
                to=told,
                template="gov.legal.cancelled",
                variables={"time": zh, "time_en": en, "reason": reason, **d.cancel_reason(reason)},
                community_id=row.community_id,
                correlation_id=str(row.id),
                once=f"{row.id}:legal.cancelled",
            )
            view = await Legal.view(uow, row)
            await uow.commit()
            return view

    def _lawyer_or_office(self, who: Caller, row: LegalBookingRow, lawyer: LawyerRow) -> None:
        if who.subject != lawyer.account_id and not office(who, row.community_id):
            raise Problem(
                403,
                "legal.not_the_lawyer",
                "Only the consultation's lawyer or the community's office records this",
                zh="只有接受咨询的律师或社区工作人员可以记录",
            )

    async def record_outcome(
        self, who: Caller, booking_id: uuid.UUID, outcome: str, case_id: str | None
    ) -> BookingView:
        async with self.db.uow() as uow:
            row, lawyer = await self._locked(uow, who, booking_id)
            self._lawyer_or_office(who, row, lawyer)
            try:
                d.check_outcome(row.status)
            except d.LegalError as exc:
                raise _problem(exc) from exc
            now = self.legal.clock()
            row.status, row.outcome, row.outcome_by, row.outcome_at = (
                "done",
                outcome,
                who.subject,
                now,
            )
            if case_id:
                row.case_id = case_id
            await booking_changed(uow, row, "consulted", now)
            await uow.audit(
                who,
                "legal.outcome",
                "legal_booking",
                str(row.id),
                community_id=row.community_id,
                detail={"case_id": row.case_id},
            )
            zh, en = _say(row.starts_at)
            await tell_accounts(
                uow,
                to=[row.resident],
                template="gov.legal.outcome",
                variables={
                    "time": zh,
                    "time_en": en,
                    "lawyer": lawyer.name,
                    "lawyer_en": lawyer.name,
                },
                community_id=row.community_id,
                correlation_id=str(row.id),
                once=f"{row.id}:legal.outcome",
            )
            view = await Legal.view(uow, row)
            await uow.commit()
            return view

    async def link_case(self, who: Caller, booking_id: uuid.UUID, case_id: str) -> BookingView:
        """Name the mediation case (a work order of work-orders) the matter went on to."""
        async with self.db.uow() as uow:
            row, lawyer = await self._locked(uow, who, booking_id)
            self._lawyer_or_office(who, row, lawyer)
            if row.status == "cancelled":
                raise _problem(
                    d.LegalError(
                        "legal.not_booked",
                        "The booking is cancelled",
                        zh="该预约已取消",
                    )
                )
            row.case_id = case_id
            await booking_changed(uow, row, "case_linked", self.legal.clock())
            await uow.audit(
                who,
                "legal.case_link",
                "legal_booking",
                str(row.id),
                community_id=row.community_id,
                detail={"case_id": case_id},
            )
            view = await Legal.view(uow, row)
            await uow.commit()
            return view

    async def rate(
        self, who: Caller, booking_id: uuid.UUID, stars: int, comment: str
    ) -> BookingView:
        async with self.db.uow() as uow:
            row, _ = await self._locked(uow, who, booking_id)
            if who.subject != row.resident:
                raise Problem(
                    403,
                    "legal.not_yours",
                    "Only the resident who booked rates the consultation",
                    zh="只有预约的居民可以评价",
                )
            try:
                d.check_rating(row.status, row.rating is not None)
            except d.LegalError as exc:
                raise _problem(exc) from exc
            row.rating, row.rating_comment, row.rated_at = stars, comment, self.legal.clock()
            await booking_changed(uow, row, "rated", row.rated_at)
            await uow.audit(
                who,
                "legal.rate",
                "legal_booking",
                str(row.id),
                community_id=row.community_id,
                detail={"stars": stars},
            )
            view = await Legal.view(uow, row)
            await uow.commit()
            return view
