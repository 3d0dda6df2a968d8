"""Disability support for the street office and the disabled persons' federation desk (the
roles that keep the welfare register): the register of disability certificates (残疾人证;
names and numbers masked in lists, one field revealed for a stated purpose, every read
audited) and counts per grid and community. Assistive devices: ``api/assistive_devices.py``.

``community_id`` may be left out by an officer of one community (sc_core.places defaults)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import DisabilityDep
from gov_affairs.domain import disability as d
from gov_affairs.usecases.disability_common import RecordView
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import Day

router = APIRouter(prefix="/api/v1/welfare/disability", tags=["welfare"])
DEFAULTED = "Default: the one community the caller keeps the welfare register of"
NUMBER = Field(
    min_length=1,
    max_length=24,
    examples=["11010519491231002X42"],
    description="The 20-character 残疾人证 number: ID number, category digit 1-7, grade digit 1-4",
)
PLACE = Field(default=None, min_length=1, max_length=64)


class Named(BaseModel):
    zh: str
    en: str


class RecordIn(BaseModel):
    community_id: str | None = Field(
        default=None, min_length=1, max_length=64, description=DEFAULTED
    )
    grid_id: str | None = PLACE
    name: str = Field(min_length=1, max_length=50, description="The holder's name")
    certificate_number: str = NUMBER
    valid_until: Day = Field(description="The certificate's validity (有效期至)")
    phone: str | None = Field(default=None, pattern=r"^\+?\d{5,15}$", max_length=16)


class RecordChange(BaseModel):
    certificate_number: str | None = Field(
        default=None,
        min_length=1,
        max_length=24,
        description="A new number of the same holder (re-assessed category or grade)",
    )
    valid_until: Day | None = None
    grid_id: str | None = PLACE
    version: int | None = Field(
        default=None, ge=1, le=1_000_000, description="The version read; refused if stale"
    )


class RecordRead(BaseModel):
    id: uuid.UUID
    community_id: str
    grid_id: str | None
    name: str  # masked
    certificate_number: str  # masked
    category: str
    category_name: Named
    grade: int
    grade_name: Named
    valid_until: date
    expired: bool
    version: int
    updated_at: datetime


class RevealIn(BaseModel):
    field: Literal["certificate_number", "name", "id_number", "phone"]
    purpose: str = Field(
        min_length=4, max_length=200, description="Why it is needed (kept in the audit trail)"
    )


class RevealedRead(BaseModel):
    field: str
    value: str


class StatRead(BaseModel):
    place_id: str
    holders: int = Field(description="Valid certificates")
    expired: int = Field(description="Certificates past their validity")
    by_category: dict[str, int] = Field(description="Valid certificates per category code 1-7")
    by_grade: dict[str, int] = Field(description="Valid certificates per grade 1-4")
    devices: dict[str, int] = Field(description="Assistive devices per status")


def read(v: RecordView) -> RecordRead:
    return RecordRead(
        id=v.id,
        community_id=v.community_id,
        grid_id=v.grid_id,
        name=v.name_masked,
        certificate_number=v.number_masked,
        category=v.category,
        category_name=Named(**d.category_name(v.category).model_dump()),
        grade=v.grade,
        grade_name=Named(**d.grade_name(v.grade).model_dump()),
        valid_until=v.valid_until,
        expired=v.expired,
        version=v.version,
        updated_at=v.updated_at,
    )


@router.post(
    "/records",
    status_code=201,
    summary="Register a person's disability certificate (残疾人证); audited, on gov.welfare.v1",
)
async def register_certificate(
    body: RecordIn, who: CurrentCaller, disability: DisabilityDep
) -> RecordRead:
    community = await disability.community_of(who, body.community_id)
    done = await disability.register(
        who,
        community,
        name=body.name,
        number=body.certificate_number,
        valid_until=body.valid_until,
        grid_id=body.grid_id,
        phone=body.phone,
    )
    return read(done)


@router.get("/records", summary="The certificates registered in a community (masked; audited)")
async def certificate_records(
    who: CurrentCaller,
    disability: DisabilityDep,
    paging: Paging,
    community_id: str | None = Query(None, min_length=1, max_length=64, description=DEFAULTED),
    grid_id: str | None = Query(None, min_length=1, max_length=64),
) -> Page[RecordRead]:
    community = await disability.community_of(who, community_id)
    rows, total = await disability.records(
        who, community, grid_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page[RecordRead].of([read(r) for r in rows], total, paging)


@router.patch(
    "/records/{record_id}",
    summary="Update a registration: a new number of the same holder, validity, grid (audited)",
)
async def update_certificate(
    record_id: uuid.UUID, body: RecordChange, who: CurrentCaller, disability: DisabilityDep
) -> RecordRead:
    done = await disability.update(
        who,
        record_id,
        number=body.certificate_number,
        valid_until=body.valid_until,
        grid_id=body.grid_id,
        version=body.version,
    )
    return read(done)


@router.post(
    "/records/{record_id}/reveal",
    summary="Show one field of one registration in clear, for a stated purpose (audited)",
)
async def reveal_certificate(
    record_id: uuid.UUID, body: RevealIn, who: CurrentCaller, disability: DisabilityDep
) -> RevealedRead:
    value = await disability.reveal(who, record_id, body.field, body.purpose)
    return RevealedRead(field=body.field, value=value)


@router.get(
    "/statistics",
    summary="Disability support per grid or community: counts only, no person",
)
async def disability_statistics(
    who: CurrentCaller,
    disability: DisabilityDep,
    community_id: str | None = Query(None, min_length=1, max_length=64, description=DEFAULTED),
    by: Literal["grid", "community"] = "grid",
) -> list[StatRead]:
    community = await disability.community_of(who, community_id)
    stats = await disability.statistics(who, community, by)
    return [
        StatRead(
            place_id=s.place_id,
            holders=s.holders,
            expired=s.expired,
            by_category=s.by_category,
            by_grade=s.by_grade,
            devices=s.devices,
        )
        for s in stats
    ]
