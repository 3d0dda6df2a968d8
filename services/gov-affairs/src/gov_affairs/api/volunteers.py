"""Volunteers (志愿者): register, certify, suspend; services published and booked; hours
recorded and corrected; the certificate of hours; the time bank. Who a volunteer is comes
back masked, always; a staff member's read is audited."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

from gov_affairs.api.deps import VolunteersDep, VolunteerWorkDep
from gov_affairs.db.volunteers import VolunteerHoursRow, VolunteerRow, VolunteerServiceRow
from gov_affairs.domain.certificates import mask_id_number, mask_name
from gov_affairs.domain.text import Text
from gov_affairs.usecases.volunteers import Totals, masked
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import Day, Instant
from sc_core.validators import IdNumber

router = APIRouter(prefix="/api/v1/volunteers", tags=["volunteers"])

STATUSES = {
    "applied": Text(zh="待认证", en="awaiting certification"),
    "certified": Text(zh="已认证", en="certified"),
    "suspended": Text(zh="已暂停", en="suspended"),
    "left": Text(zh="已退出", en="left"),
}
Short = Annotated[str, Field(min_length=1, max_length=40)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise PydanticCustomError("timezone_aware", "Give the time with its offset (+08:00)")
    return value


When = Annotated[Instant, AfterValidator(_aware)]


class VolunteerCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=50, examples=["王秀英"])
    id_number: Annotated[IdNumber, Field(max_length=18)]
    phone: str | None = Field(default=None, pattern=r"^1[3-9]\d{9}$")
    skills: list[Short] = Field(
        default_factory=list, max_length=20, description="services offered: 陪同就医, 理发 ..."
    )
    availability: str = Field(default="", max_length=500, examples=["工作日下午"])


class VolunteerStep(BaseModel):
    action: Literal["certify", "suspend", "reinstate"]
    reason: str | None = Field(default=None, min_length=1, max_length=500)


class VolunteerRead(BaseModel):
    id: uuid.UUID
    community_id: str
    name: str  # masked
    id_number: str  # masked
    phone: str | None  # masked
    number: str | None = Field(description="the volunteer number, given at certification")
    skills: list[str]
    availability: str
    status: str
    status_name: Text
    note: str | None
    certified_on: date | None
    registered_at: datetime
    hours: Decimal = Field(description="hours served, corrections applied")
    banked: Decimal = Field(description="the time bank's balance: served less spent")


class SlotIn(BaseModel):
    starts_at: When
    ends_at: When


class ServiceCreate(BaseModel):
    volunteer_id: uuid.UUID
    title: str = Field(min_length=1, max_length=120, examples=["陪同就医"])
    description: str = Field(default="", max_length=1000)
    place: str = Field(min_length=1, max_length=200)
    slots: list[SlotIn] = Field(default_factory=list, max_length=50)


class SlotRead(BaseModel):
    starts_at: datetime
    ends_at: datetime
    booked: bool


class ServiceRead(BaseModel):
    id: uuid.UUID
    community_id: str
    volunteer_id: uuid.UUID
    volunteer_name: str  # masked
    volunteer_number: str | None
    title: str
    description: str
    place: str
    slots: list[SlotRead]


class BookingCreate(BaseModel):
    starts_at: When = Field(description="the start of one of the service's times")
    note: str | None = Field(default=None, max_length=500)


class BookingRead(BaseModel):
    id: uuid.UUID
    service_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    status: str


class HoursCreate(BaseModel):
    service_id: uuid.UUID | None = None
    project: str = Field(min_length=1, max_length=120, examples=["陪同就医"])
    content: str = Field(min_length=1, max_length=1000)
    place: str = Field(min_length=1, max_length=200)
    started_at: When
    ended_at: When
    corrects: uuid.UUID | None = Field(default=None, description="the record this one corrects")
    reason: str | None = Field(default=None, min_length=1, max_length=500)


class HoursRead(BaseModel):
    """A volunteer service record with the fields the measures ask for."""

    id: uuid.UUID
    volunteer_name: str  # masked
    id_number: str  # masked
    volunteer_number: str
    project: str
    content: str
    place: str
    started_at: datetime
    ended_at: datetime
    hours: Decimal
    organisation: str
    recorded_by: str
    recorded_at: datetime
    corrects: uuid.UUID | None
    reason: str | None
    corrected: bool = Field(description="a later record corrects this one")


class HoursRecorded(BaseModel):
    record: HoursRead
    total_hours: Decimal


class CertificateCreate(BaseModel):
    since: Day
    until: Day


class CertificateIssued(BaseModel):
    certificate_id: uuid.UUID
    number: str
    code: str = Field(description="the verification code, shown this once")
    hours: Decimal
    pdf: str = Field(description="where the PDF is")
    verify: str = Field(description="the public check")


class Spend(BaseModel):
    hours: float = Field(gt=0, le=1000, multiple_of=0.5, description="in half hours")
    what: str = Field(min_length=1, max_length=200, examples=["助浴服务"])
    beneficiary: str | None = Field(
        default=None, min_length=1, max_length=100, examples=["本人", "母亲"]
    )


def volunteer_read(row: VolunteerRow, totals: Totals) -> VolunteerRead:
    name, id_number, phone = masked(row)
    return VolunteerRead(
        id=row.id,
        community_id=row.community_id,
        name=name,
        id_number=id_number,
        phone=phone,
        number=row.number,
        skills=list(row.skills or []),
        availability=row.availability,
        status=row.status,
        status_name=STATUSES[row.status],
        note=row.note,
        certified_on=row.certified_on,
        registered_at=row.registered_at,
        hours=totals.hours,
        banked=totals.balance,
    )


def hours_read(r: VolunteerHoursRow, v: VolunteerRow, corrected: bool) -> HoursRead:
    rec = r.record
    return HoursRead(
        id=r.id,
        volunteer_name=mask_name(v.name),
        id_number=mask_id_number(v.id_number),
        volunteer_number=rec["volunteer_number"],
        project=rec["project"],
        content=rec["content"],
        place=rec["place"],
        started_at=rec["started_at"],
        ended_at=rec["ended_at"],
        hours=r.hours,
        organisation=rec["organisation"],
        recorded_by=rec["recorded_by"],
        recorded_at=r.recorded_at,
        corrects=r.corrects,
        reason=r.reason,
        corrected=corrected,
    )


def service_read(s: VolunteerServiceRow, v: VolunteerRow, booked: set[datetime]) -> ServiceRead:
    slots = [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in s.slots]
    return ServiceRead(
        id=s.id,
        community_id=s.community_id,
        volunteer_id=v.id,
        volunteer_name=mask_name(v.name),
        volunteer_number=v.number,
        title=s.title,
        description=s.description,
        place=s.place,
        slots=[SlotRead(starts_at=a, ends_at=b, booked=a in booked) for a, b in slots],
    )


# services first: /services is not a volunteer's id ---------------------------------------
@router.post("/services", status_code=201, summary="Publish a volunteer service (staff)")
async def publish(body: ServiceCreate, who: CurrentCaller, work: VolunteerWorkDep) -> ServiceRead:
    """The volunteer assigned, where, and the times residents may book."""
    row, volunteer = await work.publish(
        who,
        volunteer_id=body.volunteer_id,
        title=body.title,
        description=body.description,
        place=body.place,
        slots=[(s.starts_at, s.ends_at) for s in body.slots],
    )
    return service_read(row, volunteer, set())


@router.get("/services", summary="The community's volunteer services and their free times")
async def services(
    who: CurrentCaller,
    work: VolunteerWorkDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
) -> Page[ServiceRead]:
    rows, total = await work.services(
        who, community_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([service_read(s, v, b) for s, v, b in rows], total, paging)


@router.post("/services/{service_id}/bookings", status_code=201, summary="Book a time of a service")
async def book(
    service_id: uuid.UUID, body: BookingCreate, who: CurrentCaller, work: VolunteerWorkDep
) -> BookingRead:
    """A resident of the community books one of the service's free times; the volunteer is
    told (409 ``volunteer.slot_taken`` when someone was quicker)."""
    row = await work.book(who, service_id, body.starts_at, body.note)
    return BookingRead(
        id=row.id,
        service_id=row.service_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        status=row.status,
    )


# the register ------------------------------------------------------------------------------
@router.post("", status_code=201, summary="Register as a volunteer (a resident)")
async def register(
    body: VolunteerCreate, who: CurrentCaller, volunteers: VolunteersDep
) -> VolunteerRead:
    """The ID number is kept encrypted and shown masked; 409 ``volunteer.already_registered``."""
    row = await volunteers.register(
        who,
        community_id=body.community_id,
        name=body.name,
        id_number=body.id_number,
        phone=body.phone,
        skills=list(body.skills),
        availability=body.availability,
    )
    return volunteer_read(row, Totals(Decimal(0), Decimal(0)))


@router.get("", summary="Volunteers of a community (staff, audited; anyone else: their own)")
async def list_volunteers(
    who: CurrentCaller,
    volunteers: VolunteersDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
    status: Literal["applied", "certified", "suspended", "left"] | None = None,
) -> Page[VolunteerRead]:
    rows, total = await volunteers.page(
        who, community_id, status, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([volunteer_read(r, t) for r, t in rows], total, paging)


@router.get("/{volunteer_id}", summary="One volunteer (themself, or staff: audited)")
async def get_volunteer(
    volunteer_id: uuid.UUID, who: CurrentCaller, volunteers: VolunteersDep
) -> VolunteerRead:
    return volunteer_read(*await volunteers.get(who, volunteer_id))


@router.post("/{volunteer_id}/steps", summary="Certify (gives the number), suspend, reinstate")
async def step(
    volunteer_id: uuid.UUID, body: VolunteerStep, who: CurrentCaller, volunteers: VolunteersDep
) -> VolunteerRead:
    """A suspension needs a reason (422 ``volunteer.reason_required``)."""
    return volunteer_read(*await volunteers.move(who, volunteer_id, body.action, body.reason))


@router.post("/{volunteer_id}/hours", status_code=201, summary="Record hours served (staff)")
async def record_hours(
    volunteer_id: uuid.UUID, body: HoursCreate, who: CurrentCaller, work: VolunteerWorkDep
) -> HoursRecorded:
    """Counted down to the half hour. A record is never edited: a correction is a new
    record naming the one it corrects (``corrects``) with a ``reason``; its hours replace
    the corrected record's."""
    row, volunteer, total = await work.record(
        who,
        volunteer_id,
        service_id=body.service_id,
        project=body.project,
        content=body.content,
        place=body.place,
        started_at=body.started_at,
        ended_at=body.ended_at,
        corrects=body.corrects,
        reason=body.reason,
    )
    return HoursRecorded(record=hours_read(row, volunteer, False), total_hours=total)


@router.get("/{volunteer_id}/hours", summary="A volunteer's service records")
async def list_hours(
    volunteer_id: uuid.UUID, who: CurrentCaller, work: VolunteerWorkDep, paging: Paging
) -> Page[HoursRead]:
    volunteer, rows, corrected, total = await work.hours(
        who, volunteer_id, paging.limit, paging.offset
    )
    items = [hours_read(r, volunteer, r.id in corrected) for r in rows]
    return Page.of(items, total, paging)


@router.post(
    "/{volunteer_id}/certificates",
    status_code=201,
    summary="Issue a certificate of hours for a period (staff)",
)
async def certificate(
    volunteer_id: uuid.UUID, body: CertificateCreate, who: CurrentCaller, work: VolunteerWorkDep
) -> CertificateIssued:
    """The PDF is ``GET /api/v1/certificates/{id}/pdf`` (the volunteer, or staff); anyone
    checks the code at ``GET /api/v1/certificates/verify/{code}``."""
    row, code, hours = await work.certificate(who, volunteer_id, body.since, body.until)
    return CertificateIssued(
        certificate_id=row.id,
        number=row.number,
        code=code,
        hours=hours,
        pdf=f"/api/v1/certificates/{row.id}/pdf",
        verify=f"/api/v1/certificates/verify/{code}",
    )


@router.post("/{volunteer_id}/time-bank/spend", summary="Spend banked hours on care (staff)")
async def spend(
    volunteer_id: uuid.UUID, body: Spend, who: CurrentCaller, volunteers: VolunteersDep
) -> VolunteerRead:
    """For the volunteer or a family member; never below zero (409 ``timebank.insufficient``)."""
    row, totals = await volunteers.spend(
        who, volunteer_id, Decimal(str(body.hours)), body.what, body.beneficiary
    )
    return volunteer_read(row, totals)
