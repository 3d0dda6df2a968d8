"""Migrants (流动人口): residence registration (居住登记) and residence permits (居住证).

The community's desk (community_admin, gov_officer, grid_worker, police) registers people
living here away from their household registration and accepts their permit applications;
the police or the street office (gov_officer) issue and endorse permits. Names and ID
numbers are masked in every list and every list is an audited read."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import MigrantsDep
from gov_affairs.db.migrants import MigrantRow, PermitRow
from gov_affairs.usecases.migrants import masked
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import Day
from sc_core.validators import IdNumber, MobileNumber

router = APIRouter(prefix="/api/v1/migrants", tags=["migrants"])

Reason = Literal["work", "study", "family", "business", "other"]
REASONS = {
    "work": {"zh": "务工", "en": "work"},
    "study": {"zh": "就学", "en": "study"},
    "family": {"zh": "投亲", "en": "family"},
    "business": {"zh": "经商", "en": "business"},
    "other": {"zh": "其他", "en": "other"},
}
PERMIT_STATUS = {
    "applied": {"zh": "已受理", "en": "applied"},
    "issued": {"zh": "有效", "en": "issued"},
    "lapsed": {"zh": "已失效（未签注）", "en": "lapsed (not endorsed)"},
    "cancelled": {"zh": "已注销", "en": "cancelled"},
}
PermitStatus = Literal["applied", "issued", "lapsed", "cancelled"]


class RegistrationIn(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    building_id: str | None = Field(default=None, min_length=1, max_length=64)
    room_id: str | None = Field(default=None, min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=30, examples=["赵磊"])
    id_number: IdNumber = Field(max_length=18, examples=["11010519900307123X"])
    phone: MobileNumber | None = Field(default=None, max_length=11, examples=["13912345678"])
    account_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The person's platform account, if any: told about their permit",
    )
    origin_division: str = Field(
        pattern=r"^\d{6}$",
        max_length=6,
        examples=["410105"],
        description="户籍地 division code (GB/T 2260)",
    )
    reason: Reason
    employer: str | None = Field(default=None, min_length=1, max_length=120)
    moved_in_on: Day


class PermitBrief(BaseModel):
    id: uuid.UUID
    status: str
    status_text: dict[str, str]
    number: str | None
    issued_on: date | None
    valid_until: date | None
    endorsements: list[str]


class RegistrationRead(BaseModel):
    id: uuid.UUID
    community_id: str
    building_id: str | None
    room_id: str | None
    name: str  # masked
    id_number: str  # masked
    origin_division: str
    reason: str
    reason_text: dict[str, str]
    moved_in_on: date
    registered_on: date
    left_on: date | None
    permit: PermitBrief | None = None


class LeaveIn(BaseModel):
    left_on: Day


class ApplyIn(BaseModel):
    """Which of the conditions the applicant meets (居住证暂行条例 art. 2)."""

    employed: bool = Field(description="合法稳定就业")
    owns_or_rents: bool = Field(description="合法稳定住所")
    studying: bool = Field(description="连续就读")


class PermitRead(PermitBrief):
    registration_id: uuid.UUID
    community_id: str
    name: str  # masked
    id_number: str  # masked


def _permit(p: PermitRow) -> PermitBrief:
    return PermitBrief(
        id=p.id,
        status=p.status,
        status_text=PERMIT_STATUS.get(p.status, {"zh": "—", "en": "—"}),
        number=p.number,
        issued_on=p.issued_on,
        valid_until=p.valid_until,
        endorsements=list(p.endorsements),
    )


def _permit_read(p: PermitRow, r: MigrantRow) -> PermitRead:
    return PermitRead(
        **_permit(p).model_dump(),
        registration_id=r.id,
        community_id=p.community_id,
        **masked(r),
    )


def _read(r: MigrantRow, permit: PermitRow | None = None) -> RegistrationRead:
    return RegistrationRead(
        id=r.id,
        community_id=r.community_id,
        building_id=r.building_id,
        room_id=r.room_id,
        origin_division=r.origin_division,
        reason=r.reason,
        reason_text=REASONS[r.reason],
        moved_in_on=r.moved_in_on,
        registered_on=r.registered_on,
        left_on=r.left_on,
        permit=_permit(permit) if permit else None,
        **masked(r),
    )


@router.post("/registrations", status_code=201, summary="Register a migrant (居住登记; audited)")
async def register(
    body: RegistrationIn, who: CurrentCaller, migrants: MigrantsDep
) -> RegistrationRead:
    return _read(await migrants.register(who, body.model_dump()))


@router.get("/registrations", summary="The community's migrants, masked (paged; audited)")
async def registrations(
    who: CurrentCaller,
    migrants: MigrantsDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
    current: bool = Query(True, description="Only those still living here"),
) -> Page[RegistrationRead]:
    rows, total = await migrants.registrations(
        who, community_id, current, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page[RegistrationRead].of([_read(x.row, x.permit) for x in rows], total, paging)


@router.post("/registrations/{registration_id}/leave", summary="Record that the person moved away")
async def leave(
    registration_id: uuid.UUID, body: LeaveIn, who: CurrentCaller, migrants: MigrantsDep
) -> RegistrationRead:
    return _read(await migrants.leave(who, registration_id, body.left_on))


@router.post(
    "/registrations/{registration_id}/permit",
    status_code=201,
    summary="Accept a residence-permit application (conditions checked at once)",
)
async def apply(
    registration_id: uuid.UUID, body: ApplyIn, who: CurrentCaller, migrants: MigrantsDep
) -> PermitBrief:
    return _permit(await migrants.apply(who, registration_id, body.model_dump()))


@router.get("/permits", summary="The community's residence permits, the earliest end first")
async def permits(
    who: CurrentCaller,
    migrants: MigrantsDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
    status: PermitStatus | None = None,
) -> Page[PermitRead]:
    rows, total = await migrants.permits(
        who, community_id, status, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page[PermitRead].of([_permit_read(p, r) for p, r in rows], total, paging)


@router.post("/permits/{permit_id}/issue", summary="Issue a residence permit for a year")
async def issue(permit_id: uuid.UUID, who: CurrentCaller, migrants: MigrantsDep) -> PermitBrief:
    return _permit(await migrants.issue(who, permit_id))


@router.post("/permits/{permit_id}/endorse", summary="Endorse a residence permit (签注)")
async def endorse(permit_id: uuid.UUID, who: CurrentCaller, migrants: MigrantsDep) -> PermitBrief:
    return _permit(await migrants.endorse(who, permit_id))
