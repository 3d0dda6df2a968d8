"""Appointments (挂号) at the community health station: slots, booking, cancelling,
reminders (pure).

A doctor publishes slots (a window, a capacity). A resident (or family with consent,
checked by the caller) books a slot that has not started and has room, at most one active
booking per person per doctor per day. A booking is cancelled by the person until the
slot starts; a doctor cancels a whole slot (every booking in it is cancelled and told).
Reminders fall 24 hours and 2 hours before the start, those still ahead when booked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

REMINDERS = (timedelta(hours=24), timedelta(hours=2))
MAX_SLOT = timedelta(hours=4)


class AppointmentError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


@dataclass(frozen=True)
class Slot:
    id: str
    doctor_id: str
    start: datetime
    end: datetime
    capacity: int = 1
    booked: int = 0
    cancelled: bool = False

    def __post_init__(self) -> None:
        if not self.start < self.end <= self.start + MAX_SLOT:
            raise AppointmentError(
                "care.slot_window", "号源时段须在4小时以内且结束晚于开始。",
                "A slot must end after it starts and last at most 4 hours.",
            )  # fmt: skip
        if self.capacity < 1:
            raise AppointmentError(
                "care.slot_capacity", "号源数量至少为1。", "A slot needs room for at least one."
            )

    @property
    def free(self) -> int:
        return 0 if self.cancelled else max(0, self.capacity - self.booked)


def publish(
    doctor_id: str, start: datetime, end: datetime, every: timedelta, capacity: int = 1
) -> list[Slot]:
    """Slots of ``every`` from ``start`` to ``end`` (ids to be set by the caller's store)."""
    if every <= timedelta(0) or end <= start:
        raise AppointmentError(
            "care.slot_window", "请设置有效的出诊时段。", "Give a valid consulting period."
        )
    out, t = [], start
    while t + every <= end:
        out.append(Slot(f"{doctor_id}@{t.isoformat()}", doctor_id, t, t + every, capacity))
        t += every
    return out


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


@dataclass(frozen=True)
class Booking:
    id: str
    slot_id: str
    doctor_id: str
    person_id: str
    booked_by: str
    start: datetime
    status: BookingStatus = BookingStatus.BOOKED
    cancelled_by: str | None = None


def book(
    slot: Slot,
    *,
    booking_id: str,
    person_id: str,
    actor: str,
    now: datetime,
    persons_bookings: Iterable[Booking] = (),
) -> tuple[Slot, Booking]:
    if slot.cancelled:
        raise AppointmentError(
            "care.slot_cancelled", "该号源已停诊。", "The doctor has cancelled this slot."
        )
    if now >= slot.start:
        raise AppointmentError(
            "care.slot_started", "该时段已开始，不能预约。", "This slot has already started."
        )
    if slot.free <= 0:
        raise AppointmentError("care.slot_full", "该时段已约满。", "This slot is fully booked.")
    for b in persons_bookings:
        if (
            b.status is BookingStatus.BOOKED
            and b.doctor_id == slot.doctor_id
            and b.start.date() == slot.start.date()
        ):
            raise AppointmentError(
                "care.booking_duplicate",
                "同一天同一位医生只能预约一次。",
                "One booking per doctor per day.",
            )
    booking = Booking(booking_id, slot.id, slot.doctor_id, person_id, actor, slot.start)
    return replace(slot, booked=slot.booked + 1), booking


def cancel(slot: Slot, booking: Booking, actor: str, now: datetime) -> tuple[Slot, Booking]:
    if booking.status is not BookingStatus.BOOKED:
        raise AppointmentError(
            "care.booking_not_active", "该预约已取消或已结束。", "This booking is no longer active."
        )
    if now >= slot.start:
        raise AppointmentError(
            "care.booking_too_late", "就诊时段已开始，不能取消。", "The slot has started."
        )
    return (
        replace(slot, booked=max(0, slot.booked - 1)),
        replace(booking, status=BookingStatus.CANCELLED, cancelled_by=actor),
    )


def cancel_slot(slot: Slot, bookings: Iterable[Booking], actor: str) -> tuple[Slot, list[Booking]]:
    """The doctor stops a slot: every active booking in it is cancelled (and told)."""
    changed = [
        replace(b, status=BookingStatus.CANCELLED, cancelled_by=actor)
        for b in bookings
        if b.slot_id == slot.id and b.status is BookingStatus.BOOKED
    ]
    return replace(slot, cancelled=True, booked=0), changed


def close(booking: Booking, attended: bool) -> Booking:
    if booking.status is not BookingStatus.BOOKED:
        raise AppointmentError(
            "care.booking_not_active", "该预约已取消或已结束。", "This booking is no longer active."
        )
    return replace(booking, status=BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW)


def reminders(booking: Booking, booked_at: datetime) -> list[datetime]:
    """When to remind: 24 h and 2 h before, those still ahead at booking time."""
    return [booking.start - d for d in REMINDERS if booking.start - d > booked_at]
