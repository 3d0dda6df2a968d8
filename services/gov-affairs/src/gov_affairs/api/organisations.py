"""Social organisations and enterprises (社会组织与企业): register, search, meetings and
activities with the community."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from gov_affairs.api.deps import OrganisationsDep, OrgComplaintsDep
from gov_affairs.api.industries import OrgIndustry, industry_read
from gov_affairs.db.organisations import OrganisationMeetingRow, OrganisationRow
from gov_affairs.domain.text import Text
from gov_affairs.usecases.organisations import NewMeeting, NewOrganisation, Search
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.industry import IndustryCode, IndustrySection
from sc_core.privacy import Sensitive, mask_mobile, mask_name
from sc_core.schema import Instant
from sc_core.validators import MobileNumber, UnifiedSocialCreditCode

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
ContactName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a time with its offset, e.g. 2026-11-20T14:00:00+08:00")
    return moment


When = Annotated[Instant, AfterValidator(_aware)]  # 1900-2200, with its offset


class OrganisationCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=2, max_length=120, examples=["幸福里社区养老服务中心"])
    kind: OrgKind
    uscc: UnifiedSocialCreditCode = Field(
        max_length=40, description="统一社会信用代码 (GB 32100), checked"
    )
    address: str = Field(min_length=1, max_length=200)
    scope: str = Field(default="", max_length=1000, description="业务范围 / 经营范围")
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    industry_code: IndustryCode | None = Field(
        default=None, description="国民经济行业分类 (GB/T 4754-2017): the division's 2 digits"
    )
    contact_name: ContactName | None = Field(default=None, description="联系人 (encrypted)")
    contact_phone: MobileNumber | None = Field(default=None, max_length=11)


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
    industry: OrgIndustry | None
    contact_name: Annotated[str | None, Sensitive("name")] = Field(
        description="masked; POST .../reveal shows it to the office"
    )
    contact_phone: Annotated[str | None, Sensitive("mobile")] = Field(description="masked")
    active: bool
    created_at: datetime
    updated_at: datetime | None = Field(description="when the office last corrected it")


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


class ComplaintTally(BaseModel):
    total: int
    still_open: int


class OrganisationDetail(OrganisationRead):
    complaints: ComplaintTally


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
        industry=industry_read(r.industry_code),
        contact_name=mask_name(r.contact_name),
        contact_phone=mask_mobile(r.contact_phone),
        active=r.active,
        created_at=r.created_at,
        updated_at=r.updated_at,
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
            industry_code=body.industry_code,
            contact_name=body.contact_name,
            contact_phone=body.contact_phone,
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
    industry_section: IndustrySection | None = Query(default=None, description="门类 A-T"),
) -> Page[OrganisationRead]:
    query = Search(community_id, q, kind, tag, industry_section)
    rows, total = await organisations.search(who, query, paging.limit, paging.offset)
    return Page.of([organisation_read(r) for r in rows], total, paging)


@router.get("/{organisation_id}", summary="One organisation, with its complaints counted")
async def get_organisation(
    organisation_id: uuid.UUID,
    who: CurrentCaller,
    organisations: OrganisationsDep,
    complaints: OrgComplaintsDep,
) -> OrganisationDetail:
    row = await organisations.get(who, organisation_id)
    tally = await complaints.tally(who, organisation_id)
    return OrganisationDetail(
        **organisation_read(row).model_dump(),
        complaints=ComplaintTally(total=tally.total, still_open=tally.still_open),
    )


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
    rows, total = await organisations.meetings(
        who, organisation_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([meeting_read(r) for r in rows], total, paging)
