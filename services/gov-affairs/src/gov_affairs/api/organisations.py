"""Social organisations and enterprises (社会组织与企业): register, search, meetings and
activities with the community."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, StringConstraints

from gov_affairs.api.deps import OrganisationsDep
from gov_affairs.db.organisations import OrganisationMeetingRow, OrganisationRow
from gov_affairs.domain.text import Text
from gov_affairs.usecases.organisations import NewMeeting, NewOrganisation, Search
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.validators import UnifiedSocialCreditCode

router = APIRouter(prefix="/api/v1/organisations", tags=["organisations"])

OrgKind = Literal["social_organisation", "enterprise", "property_company", "institution"]
KINDS = {
    "social_organisation": Text(zh="社会组织", en="social organisation"),
    "enterprise": Text(zh="企业", en="enterprise"),
    "property_company": Text(zh="物业服务企业", en="property company"),
    "institution": Text(zh="事业单位", en="public institution"),
}
MeetingKind = Literal["meeting", "activity"]
MEETING_KINDS = {
    "meeting": Text(zh="议事协商会议", en="meeting"),
    "activity": Text(zh="活动", en="activity"),
}
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


def _sane(moment: datetime) -> datetime:
    if not 2000 <= moment.year <= 2100:
        raise ValueError("a time between the years 2000 and 2100")
    return moment


When = Annotated[AwareDatetime, AfterValidator(_sane)]


class OrganisationCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=2, max_length=120, examples=["幸福里社区养老服务中心"])
    kind: OrgKind
    uscc: UnifiedSocialCreditCode = Field(description="统一社会信用代码 (GB 32100), checked")
    address: str = Field(min_length=1, max_length=200)
    scope: str = Field(default="", max_length=1000, description="业务范围 / 经营范围")
    tags: list[Tag] = Field(default_factory=list, max_length=20)


class OrganisationRead(BaseModel):
    id: uuid.UUID
    community_id: str
    name: str
    kind: str
    kind_name: Text
    uscc: str
    address: str
    scope: str
    tags: list[str]
    active: bool
    created_at: datetime


class MeetingCreate(BaseModel):
    kind: MeetingKind = "meeting"
    held_at: When
    topic: str = Field(min_length=1, max_length=200)
    place: str = Field(default="", max_length=200)
    attendees: int = Field(default=0, ge=0, le=100_000)
    minutes: str = Field(default="", max_length=5000, description="纪要")


class MeetingRead(BaseModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    kind: str
    kind_name: Text
    held_at: datetime
    topic: str
    place: str
    attendees: int
    minutes: str
    recorded_at: datetime


def organisation_read(r: OrganisationRow) -> OrganisationRead:
    return OrganisationRead(
        id=r.id,
        community_id=r.community_id,
        name=r.name,
        kind=r.kind,
        kind_name=KINDS[r.kind],
        uscc=r.uscc,
        address=r.address,
        scope=r.scope,
        tags=list(r.tags),
        active=r.active,
        created_at=r.created_at,
    )


def meeting_read(r: OrganisationMeetingRow) -> MeetingRead:
    return MeetingRead(
        id=r.id,
        organisation_id=r.organisation_id,
        kind=r.kind,
        kind_name=MEETING_KINDS[r.kind],
        held_at=r.held_at,
        topic=r.topic,
        place=r.place,
        attendees=r.attendees,
        minutes=r.minutes,
        recorded_at=r.recorded_at,
    )


@router.post("", status_code=201, summary="Register an organisation or enterprise")
async def register(
    body: OrganisationCreate, who: CurrentCaller, organisations: OrganisationsDep
) -> OrganisationRead:
    """community_admin and gov_officer of the community; 409 for a code registered here."""
    row = await organisations.register(
        who,
        NewOrganisation(
            community_id=body.community_id,
            name=body.name,
            kind=body.kind,
            uscc=body.uscc,
            address=body.address,
            scope=body.scope,
            tags=list(body.tags),
        ),
    )
    return organisation_read(row)


@router.get("", summary="Search the community's organisations and enterprises")
async def search(
    who: CurrentCaller,
    organisations: OrganisationsDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
    q: str = Query(default="", max_length=120, description="name, scope or the code"),
    kind: OrgKind | None = None,
    tag: str | None = Query(default=None, min_length=1, max_length=20),
) -> Page[OrganisationRead]:
    query = Search(community_id=community_id, text=q, kind=kind, tag=tag)
    rows, total = await organisations.search(who, query, paging.limit, paging.offset)
    return Page.of([organisation_read(r) for r in rows], total, paging)


@router.get("/{organisation_id}", summary="One organisation")
async def get_organisation(
    organisation_id: uuid.UUID, who: CurrentCaller, organisations: OrganisationsDep
) -> OrganisationRead:
    return organisation_read(await organisations.get(who, organisation_id))


@router.post(
    "/{organisation_id}/meetings", status_code=201, summary="Record a meeting or an activity"
)
async def record_meeting(
    organisation_id: uuid.UUID,
    body: MeetingCreate,
    who: CurrentCaller,
    organisations: OrganisationsDep,
) -> MeetingRead:
    new = NewMeeting(
        kind=body.kind,
        held_at=body.held_at,
        topic=body.topic,
        place=body.place,
        attendees=body.attendees,
        minutes=body.minutes,
    )
    return meeting_read(await organisations.record_meeting(who, organisation_id, new))


@router.get("/{organisation_id}/meetings", summary="Its meetings and activities, latest first")
async def meetings(
    organisation_id: uuid.UUID, who: CurrentCaller, organisations: OrganisationsDep, paging: Paging
) -> Page[MeetingRead]:
    rows, total = await organisations.meetings(who, organisation_id, paging.limit, paging.offset)
    return Page.of([meeting_read(r) for r in rows], total, paging)
