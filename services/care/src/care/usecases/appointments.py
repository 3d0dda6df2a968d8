"""Appointments (挂号) at the community health station: a doctor publishes slots and stops
them, a resident (or a guardian, or family whose consent covers visits) books one for a
person and cancels it until the start; reminders 24 h and 2 h before, sent by a sweep
with an injected clock. The rules are :mod:`care.domain.appointments`'."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from care.db.models import BookingRow, CarePerson, SlotRow
from care.domain import appointments as ap
from care.domain import consent as c
from care.domain.notices import appointment_notice
from care.usecases.common import Record, authorise, load, not_found, now_utc, send
from care.usecases.people import visible_people
from sc_contracts.events import AppointmentChange, AppointmentChangedV1
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem
from sc_core.paging import PageParams, PageTotal, fetch_page

MAX_SLOTS = 48
STOPPED_WORDS = ("医生停诊", "the doctor cancelled the session")
CANCELLED_WORDS = ("已按您的要求取消", "cancelled at your request")


def refused(exc: ap.AppointmentError, status: int = 409) -> Problem:
    return Problem(status, exc.code, exc.en, zh=exc.zh)


def slot_not_found() -> Problem:
    return Problem(404, "care.slot_not_found", "No such slot", zh="没有这个号源")


def booking_not_found() -> Problem:
    return Problem(404, "care.booking_not_found", "No such appointment", zh="没有这个预约")


@dataclass(frozen=True)
class NewSlots:
    community_id: str
    doctor_name: str
    room: str
    station: str
    start: datetime
    end: datetime
    every: timedelta | None = None
    capacity: int = 1


@dataclass(frozen=True)
class BookingView:
    booking: BookingRow
    slot: SlotRow
    person_name: str


class Appointments:
    def __init__(self, db: Database, tz: ZoneInfo, clock: Callable[[], datetime] = now_utc) -> None:
        self.db = db
        self.tz = tz
        self.clock = clock

    def _slot(self, row: SlotRow) -> ap.Slot:
        """The row as the domain's slot, its times local (one booking per local day)."""
        return ap.Slot(
            str(row.id), row.doctor_id, row.start.astimezone(self.tz),
            row.end.astimezone(self.tz), row.capacity, row.booked, row.cancelled_at is not None,
        )  # fmt: skip

    def _booking(self, row: BookingRow) -> ap.Booking:
        return ap.Booking(
            str(row.id), str(row.slot_id), row.doctor_id, row.person_id, row.booked_by,
            row.start.astimezone(self.tz), ap.BookingStatus(row.status), row.cancelled_by,
        )  # fmt: skip

    async def publish(self, who: Caller, body: NewSlots) -> list[SlotRow]:
        """A doctor of the community publishes one slot, or a period cut into slots."""
        if not in_scope(who.principal, community_id=body.community_id, roles=("doctor",)):
            raise Forbidden(
                "auth.out_of_scope", "Only a doctor of the community publishes slots",
                zh="只有本社区的医生可以发布号源",
            )  # fmt: skip
        try:
            if body.every is None:
                slots = [ap.Slot("", who.subject, body.start, body.end, body.capacity)]
            else:
                slots = ap.publish(who.subject, body.start, body.end, body.every, body.capacity)
        except ap.AppointmentError as exc:
            raise refused(exc, 422) from None
        if not slots or len(slots) > MAX_SLOTS:
            raise Problem(
                422, "care.slot_count", f"Publish 1 to {MAX_SLOTS} slots at a time",
                zh=f"每次可发布1至{MAX_SLOTS}个号源",
            )  # fmt: skip
        if body.start <= self.clock():
            raise Problem(
                422, "care.slot_past", "A slot must start in the future", zh="号源须晚于当前时间"
            )
        async with self.db.uow() as uow:
            overlap = (
                await uow.session.execute(
                    select(func.count()).where(
                        SlotRow.doctor_id == who.subject, SlotRow.cancelled_at.is_(None),
                        SlotRow.start < body.end, SlotRow.end > body.start,
                    )
                )
            ).scalar_one()  # fmt: skip
            if overlap:
                raise Problem(
                    409, "care.slot_overlap", "You already have a slot in that time",
                    zh="该时段与您已发布的号源重叠",
                )  # fmt: skip
            rows = [
                SlotRow(
                    id=uuid.uuid4(),
                    community_id=body.community_id,
                    doctor_id=who.subject,
                    doctor_name=body.doctor_name,
                    station=body.station,
                    room=body.room,
                    start=s.start,
                    end=s.end,
                    capacity=s.capacity,
                    booked=0,
                )
                for s in slots
            ]
            uow.session.add_all(rows)
            await uow.audit(
                who, "care.slot.publish", "care_slot", str(rows[0].id),
                community_id=body.community_id, detail={"slots": str(len(rows))},
            )  # fmt: skip
            await uow.commit()
            return rows

    async def slots(
        self, who: Caller, community_id: str | None, doctor_id: str | None,
        after: datetime | None, before: datetime | None, limit: int, offset: int,
    ) -> tuple[list[SlotRow], int]:  # fmt: skip
        """With a community: its open slots ahead (free, not stopped) for anyone to book;
        without: the calling doctor's own slots, stopped and full ones too."""
        now = self.clock()
        if community_id is not None:
            q = select(SlotRow).where(
                SlotRow.community_id == community_id, SlotRow.cancelled_at.is_(None),
                SlotRow.booked < SlotRow.capacity, SlotRow.start > max(now, after or now),
            )  # fmt: skip
            if doctor_id:
                q = q.where(SlotRow.doctor_id == doctor_id)
        else:
            q = select(SlotRow).where(SlotRow.doctor_id == who.subject)
            if after is not None:
                q = q.where(SlotRow.start >= after)
        if before is not None:
            q = q.where(SlotRow.start < before)
        async with self.db.uow(read_only=True) as uow:
            total = (
                await uow.session.execute(select(func.count()).select_from(q.subquery()))
            ).scalar_one()
            rows = (
                await uow.session.execute(
                    q.order_by(SlotRow.start, SlotRow.id).limit(limit).offset(offset)
                )
            ).scalars()
            return list(rows), int(total)

    async def stop(self, who: Caller, slot_id: uuid.UUID, reason: str | None) -> SlotRow:
        """The doctor stops a slot: its bookings are cancelled and each person told."""
        async with self.db.uow() as uow:
            row = await uow.session.get(SlotRow, slot_id, with_for_update=True)
            if row is None or row.doctor_id != who.subject:
                raise slot_not_found()
            if row.cancelled_at is not None:
                return row
            now = self.clock()
            active = (
                await uow.session.execute(
                    select(BookingRow)
                    .where(BookingRow.slot_id == row.id, BookingRow.status == "booked")
                    .with_for_update()
                )
            ).scalars()
            bookings = {str(b.id): b for b in active}
            stopped, changed = ap.cancel_slot(
                self._slot(row), [self._booking(b) for b in bookings.values()], who.subject
            )
            row.cancelled_at, row.cancelled_by, row.booked = now, who.subject, stopped.booked
            words = STOPPED_WORDS
            if reason:
                words = (f"{STOPPED_WORDS[0]}（{reason}）", f"{STOPPED_WORDS[1]} ({reason})")
            for b in changed:
                found = bookings[b.id]
                found.status, found.cancelled_by = b.status.value, who.subject
                found.cancelled_at, found.cancel_reason = now, "stopped"
                await self._told(uow, found, row, "care.appointment.cancelled", words)
                await self._changed(uow, found, AppointmentChange.STOPPED, now)
            await uow.audit(
                who, "care.slot.stop", "care_slot", str(row.id), community_id=row.community_id,
                detail={"bookings_cancelled": str(len(changed))},
            )  # fmt: skip
            await uow.commit()
            return row

    async def book(self, who: Caller, slot_id: uuid.UUID, person_id: str) -> BookingView:
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.VISITS, action="care.appointment.book")
            slot = await uow.session.get(SlotRow, slot_id, with_for_update=True)
            if slot is None or slot.community_id != record.row.community_id:
                raise slot_not_found()
            now = self.clock()
            theirs = (
                await uow.session.execute(
                    select(BookingRow).where(
                        BookingRow.person_id == person_id, BookingRow.doctor_id == slot.doctor_id,
                        BookingRow.status == "booked",
                    )
                )
            ).scalars()  # fmt: skip
            try:
                after, b = ap.book(
                    self._slot(slot), booking_id=str(uuid.uuid4()), person_id=person_id,
                    actor=who.subject, now=now,
                    persons_bookings=[self._booking(x) for x in theirs],
                )  # fmt: skip
            except ap.AppointmentError as exc:
                raise refused(exc) from None
            row = BookingRow(
                id=uuid.UUID(b.id), slot_id=slot.id, community_id=slot.community_id,
                doctor_id=slot.doctor_id, person_id=person_id, booked_by=who.subject,
                start=slot.start, day=b.start.date().isoformat(), status=b.status.value,
                reminded=[], created_at=now,
            )  # fmt: skip
            slot.booked = after.booked
            uow.session.add(row)
            try:
                await uow.session.flush()
            except IntegrityError:  # the same person, doctor and day booked at once
                raise refused(
                    ap.AppointmentError(
                        "care.booking_duplicate", "同一天同一位医生只能预约一次。",
                        "One booking per doctor per day.",
                    )
                ) from None  # fmt: skip
            await self._told(uow, row, slot, "care.appointment.booked", ("", ""), record)
            await self._changed(uow, row, AppointmentChange.BOOKED, now)
            await uow.audit(
                who, "care.booking.create", "care_booking", str(row.id),
                community_id=slot.community_id, detail={"person_id": person_id},
            )  # fmt: skip
            await uow.commit()
            return BookingView(row, slot, record.row.name)

    async def cancel(self, who: Caller, booking_id: uuid.UUID) -> BookingView:
        """Who booked it, the person, a guardian or family whose consent covers visits
        cancels until the start."""
        async with self.db.uow() as uow:
            row = await uow.session.get(BookingRow, booking_id, with_for_update=True)
            record = await load(uow, row.person_id) if row is not None else None
            if row is None or record is None:
                raise booking_not_found()
            if who.subject != row.booked_by:
                d = c.decide(record.subject, record.grants, who.subject, c.Category.VISITS,
                             self.clock())  # fmt: skip
                if not d.allowed:
                    await uow.audit(
                        who, "care.booking.cancel", "care_booking", str(row.id),
                        community_id=row.community_id, outcome="denied",
                    )  # fmt: skip
                    await uow.commit()
                    raise booking_not_found()
            slot = await uow.session.get(SlotRow, row.slot_id, with_for_update=True)
            if slot is None:
                raise booking_not_found()
            now = self.clock()
            try:
                after, b = ap.cancel(self._slot(slot), self._booking(row), who.subject, now)
            except ap.AppointmentError as exc:
                raise refused(exc) from None
            slot.booked = after.booked
            row.status, row.cancelled_by, row.cancelled_at = b.status.value, who.subject, now
            row.cancel_reason = "person"
            await self._told(uow, row, slot, "care.appointment.cancelled", CANCELLED_WORDS, record)
            await self._changed(uow, row, AppointmentChange.CANCELLED, now)
            await uow.audit(
                who, "care.booking.cancel", "care_booking", str(row.id),
                community_id=row.community_id,
            )  # fmt: skip
            await uow.commit()
            return BookingView(row, slot, record.row.name)

    async def bookings(
        self, who: Caller, person_id: str | None, params: PageParams
    ) -> tuple[list[BookingView], PageTotal]:
        """A doctor: the bookings of their slots; anyone: those of the people they may see
        the visits of (themselves, a ward, family by consent) and those they booked."""
        async with self.db.uow(read_only=True) as uow:
            people = await visible_people(uow, who.subject, c.Category.VISITS, self.clock())
            scope = [BookingRow.person_id.in_(people), BookingRow.booked_by == who.subject]
            if who.principal.has_role("doctor"):
                scope.append(BookingRow.doctor_id == who.subject)
            q = (
                select(BookingRow, SlotRow, CarePerson.name)
                .join(SlotRow, SlotRow.id == BookingRow.slot_id)
                .join(CarePerson, CarePerson.id == BookingRow.person_id)
                .where(or_(*scope))
            )
            if person_id is not None:
                q = q.where(BookingRow.person_id == person_id)
            rows, total = await fetch_page(
                uow.session, q.order_by(BookingRow.start.desc(), BookingRow.id), params, rows=True
            )
            return [BookingView(b, s, name) for b, s, name in rows], total

    async def remind(self, now: datetime | None = None) -> int:
        """One sweep: every active booking whose reminder time (24 h, 2 h before) has come
        is reminded once; a reminder already due when it was booked is not sent, and of
        two due at once only the nearer. Returns the reminders sent."""
        now = now or self.clock()
        sent = 0
        async with self.db.uow() as uow:
            due = (
                await uow.session.execute(
                    select(BookingRow)
                    .where(
                        BookingRow.status == "booked", BookingRow.start > now,
                        BookingRow.start <= now + max(ap.REMINDERS),
                    )
                    .order_by(BookingRow.start)
                    .with_for_update(skip_locked=True)
                )
            ).scalars().all()  # fmt: skip
            for row in due:
                ahead = ap.reminders(self._booking(row), row.created_at)
                leads = [
                    lead for lead in ap.REMINDERS
                    if row.start - lead in ahead and row.start - lead <= now
                    and _hours(lead) not in (row.reminded or [])
                ]  # fmt: skip
                if not leads:
                    continue
                slot = await uow.session.get(SlotRow, row.slot_id)
                if slot is None:
                    continue
                nearest = min(leads)
                await self._told(
                    uow, row, slot, "care.appointment.reminder", ("", ""), lead=nearest
                )
                row.reminded = sorted({*(row.reminded or []), *(_hours(x) for x in leads)})
                sent += 1
            await uow.commit()
        return sent

    async def _told(
        self, uow: UnitOfWork, row: BookingRow, slot: SlotRow, template: str,
        reason: tuple[str, str], record: Record | None = None, *, lead: timedelta | None = None,
    ) -> None:  # fmt: skip
        record = record or await load(uow, row.person_id)
        if record is None:
            return
        p = record.row
        users = [u for u in (p.user_id, *(p.guardians or []), row.booked_by) if u]
        notice = appointment_notice(
            template, str(row.id), p.name, slot.doctor_name, slot.station, slot.start,
            list(dict.fromkeys(users)), reason=reason, tz=self.tz, lead=lead,
        )  # fmt: skip
        await send(uow, notice, row.community_id, str(row.id))

    async def _changed(
        self, uow: UnitOfWork, row: BookingRow, change: AppointmentChange, at: datetime
    ) -> None:
        await uow.publish(
            AppointmentChangedV1(
                booking_id=str(row.id), person_id=row.person_id, community_id=row.community_id,
                slot_id=str(row.slot_id), doctor_id=row.doctor_id, change=change,
                start=row.start, at=at,
            ),
            key=row.person_id,
        )  # fmt: skip


def _hours(lead: timedelta) -> int:
    return int(lead.total_seconds() // 3600)
