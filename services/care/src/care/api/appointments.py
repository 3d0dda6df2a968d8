"""Appointments (挂号): a doctor's slots (publish, list, stop), bookings (book, list,
cancel)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from care.api.deps import AppointmentsDep
from care.db.models import SlotRow
from care.usecases.appointments import BookingView, NewSlots
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/care", tags=["appointments"])

Text64 = Annotated[str, Field(min_length=1, max_length=64)]

BOOKING_WORDS = {
    "booked": ("已预约", "booked"),
    "cancelled": ("已取消", "cancelled"),
    "attended": ("已就诊", "attended"),
    "no_show": ("未到诊", "did not come"),
}


class SlotsCreate(BaseModel):
    community_id: Text64
    doctor_name: Text64 = Field(description="How residents know the doctor: 张医生")
    room: Text64 = Field(description="全科诊室2")
    station: Text64 = Field(default="社区卫生服务站", description="The health station's name")
    start: AwareInstant
    end: AwareInstant
    slot_minutes: int | None = Field(
        default=None, ge=5, le=240, description="Cut start..end into slots of this length"
    )
    capacity: int = Field(default=1, ge=1, le=20)


class SlotRead(BaseModel):
    id: str
    community_id: str
    doctor_id: str
    doctor_name: str
    station: str
    room: str
    start: datetime
    end: datetime
    capacity: int
    booked: int
    free: int
    stopped: bool


class SlotStop(BaseModel):
    reason: str | None = Field(default=None, max_length=100, description="临时外出义诊")


class BookingCreate(BaseModel):
    person_id: Text64


class BookingRead(BaseModel):
    id: str
    slot_id: str
    person_id: str
    person_name: str
    doctor_id: str
    doctor_name: str
    station: str
    room: str
    start: datetime
    end: datetime
    status: str = Field(description="booked, cancelled, attended or no_show")
    status_zh: str
    status_en: str
    booked_by: str
    cancelled_at: datetime | None
    cancel_reason: str | None = Field(description="person, or stopped (by the doctor)")


@router.post("/slots", status_code=201, response_model=list[SlotRead])
async def publish(body: SlotsCreate, who: CurrentCaller, slots: AppointmentsDep) -> list[SlotRead]:
    every = timedelta(minutes=body.slot_minutes) if body.slot_minutes else None
    rows = await slots.publish(
        who,
        NewSlots(
            body.community_id, body.doctor_name, body.room, body.station, body.start, body.end,
            every, body.capacity,
        ),
    )  # fmt: skip
    return [_slot(r) for r in rows]


@router.get("/slots", response_model=Page[SlotRead])
async def list_slots(
    who: CurrentCaller,
    slots: AppointmentsDep,
    paging: Paging,
    community_id: Annotated[str | None, Query(max_length=64)] = None,
    doctor_id: Annotated[str | None, Query(max_length=128)] = None,
    after: Annotated[AwareInstant | None, Query(alias="from")] = None,
    before: Annotated[AwareInstant | None, Query(alias="to")] = None,
) -> Page[SlotRead]:
    """With ``community_id``: that community's open slots ahead (to book); without: the
    calling doctor's own slots."""
    rows, total = await slots.slots(
        who, community_id, doctor_id, after, before, paging.limit, paging.offset
    )
    return Page[SlotRead].of([_slot(r) for r in rows], total, paging)


@router.post("/slots/{slot_id}/stop", response_model=SlotRead)
async def stop(
    slot_id: uuid.UUID, who: CurrentCaller, slots: AppointmentsDep, body: SlotStop | None = None
) -> SlotRead:
    """The doctor stops a slot; its bookings are cancelled and the people told."""
    return _slot(await slots.stop(who, slot_id, (body or SlotStop()).reason))


@router.post("/slots/{slot_id}/bookings", status_code=201, response_model=BookingRead)
async def book(
    slot_id: uuid.UUID, body: BookingCreate, who: CurrentCaller, slots: AppointmentsDep
) -> BookingRead:
    return _booking(await slots.book(who, slot_id, body.person_id))


@router.get("/bookings", response_model=Page[BookingRead])
async def list_bookings(
    who: CurrentCaller,
    slots: AppointmentsDep,
    paging: Paging,
    person_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[BookingRead]:
    """A doctor: the bookings of their slots; a resident: their own and their family's."""
    views, total = await slots.bookings(who, person_id, paging)
    return Page[BookingRead].of([_booking(v) for v in views], total, paging)


@router.post("/bookings/{booking_id}/cancel", response_model=BookingRead)
async def cancel(booking_id: uuid.UUID, who: CurrentCaller, slots: AppointmentsDep) -> BookingRead:
    return _booking(await slots.cancel(who, booking_id))


def _slot(r: SlotRow) -> SlotRead:
    stopped = r.cancelled_at is not None
    return SlotRead(
        id=str(r.id), community_id=r.community_id, doctor_id=r.doctor_id,
        doctor_name=r.doctor_name, station=r.station, room=r.room, start=r.start, end=r.end,
        capacity=r.capacity, booked=r.booked,
        free=0 if stopped else max(0, r.capacity - r.booked), stopped=stopped,
    )  # fmt: skip


def _booking(v: BookingView) -> BookingRead:
    b, s = v.booking, v.slot
    zh, en = BOOKING_WORDS.get(b.status, (b.status, b.status))
    return BookingRead(
        id=str(b.id), slot_id=str(b.slot_id), person_id=b.person_id, person_name=v.person_name,
        doctor_id=b.doctor_id, doctor_name=s.doctor_name, station=s.station, room=s.room,
        start=s.start, end=s.end, status=b.status, status_zh=zh, status_en=en,
        booked_by=b.booked_by, cancelled_at=b.cancelled_at, cancel_reason=b.cancel_reason,
    )  # fmt: skip
