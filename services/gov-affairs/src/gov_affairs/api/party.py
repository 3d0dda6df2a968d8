"""Party affairs (党务): party organisations, members (encrypted, masked, audited), 三会一课
with attendance, residents' opinions and the officers' answers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from gov_affairs.api.deps import PartyDep
from gov_affairs.db.party import PartyFeedbackRow, PartyMeetingRow, PartyMemberRow, PartyOrgRow
from gov_affairs.domain import organisations as rules
from gov_affairs.domain.certificates import mask_name
from gov_affairs.domain.text import Text
from gov_affairs.usecases.party import NewMeeting, NewMember
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.privacy import mask_id_number, mask_mobile
from sc_core.schema import Day
from sc_core.validators import IdNumber, MobileNumber

router = APIRouter(prefix="/api/v1/party-orgs", tags=["party"])

MeetingKind = Literal["branch_assembly", "branch_committee", "group_meeting", "party_lecture"]
Account = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class PartyOrgCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=2, max_length=120, examples=["幸福里社区第一党支部"])
    parent_id: uuid.UUID | None = Field(default=None, description="the organisation above")
    officers: list[Account] = Field(
        default_factory=list, max_length=20, description="accounts of the secretary and committee"
    )


class PartyOrgRead(BaseModel):
    id: uuid.UUID
    community_id: str
    title: str
    parent_id: uuid.UUID | None
    officers: list[str]
    i_keep_it: bool = Field(description="the caller is an officer here or above, or the office")
    created_at: datetime


class MemberCreate(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    id_number: IdNumber = Field(max_length=40)
    phone: MobileNumber = Field(max_length=40)
    joined_on: Day = Field(description="入党日期")


class MemberRead(BaseModel):
    id: uuid.UUID
    name: str
    id_number: str
    phone: str
    joined_on: str
    masked: bool


class Excuse(BaseModel):
    member_id: uuid.UUID
    reason: str = Field(min_length=1, max_length=200)


class MeetingCreate(BaseModel):
    kind: MeetingKind
    held_on: Day
    topic: str = Field(min_length=1, max_length=200)
    attended: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    excused: list[Excuse] = Field(default_factory=list, max_length=500, description="请假")


class AttendanceRead(BaseModel):
    members: int
    attended: int
    excused: int
    absent: int
    percent: int


class MeetingRead(BaseModel):
    id: uuid.UUID
    kind: str
    kind_name: Text
    held_on: date
    topic: str
    attendance: AttendanceRead
    recorded_at: datetime


class FeedbackCreate(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class AnswerCreate(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class FeedbackRead(BaseModel):
    id: uuid.UUID
    mine: bool
    text: str
    answer: str | None
    answered_at: datetime | None
    at: datetime


def org_read(r: PartyOrgRow, keeps: bool) -> PartyOrgRead:
    return PartyOrgRead(
        id=r.id,
        community_id=r.community_id,
        title=r.title,
        parent_id=r.parent_id,
        officers=list(r.officers) if keeps else [],
        i_keep_it=keeps,
        created_at=r.created_at,
    )


def member_read(r: PartyMemberRow, full: bool) -> MemberRead:
    if full:
        return MemberRead(
            id=r.id,
            name=r.name,
            id_number=r.id_number,
            phone=r.phone,
            joined_on=r.joined,
            masked=False,
        )
    return MemberRead(
        id=r.id,
        name=mask_name(r.name),
        id_number=mask_id_number(r.id_number) or "",
        phone=mask_mobile(r.phone) or "",
        joined_on=r.joined[:4] + "-**-**",
        masked=True,
    )


def meeting_read(r: PartyMeetingRow) -> MeetingRead:
    done = rules.attendance(
        rules.Meeting(
            org_id=str(r.org_id),
            kind=r.kind,  # type: ignore[arg-type]
            held_on=r.held_on,
            topic=r.topic,
            attended=list(r.attended),
            excused=dict(r.excused),
        ),
        list(r.members),
    )
    zh, en = rules.MEETING_NAMES[r.kind]
    return MeetingRead(
        id=r.id,
        kind=r.kind,
        kind_name=Text(zh=zh, en=en),
        held_on=r.held_on,
        topic=r.topic,
        attendance=AttendanceRead(
            members=done.members,
            attended=done.attended,
            excused=done.excused,
            absent=len(done.absent),
            percent=done.percent,
        ),
        recorded_at=r.recorded_at,
    )


def feedback_read(r: PartyFeedbackRow, me: str) -> FeedbackRead:
    return FeedbackRead(
        id=r.id,
        mine=r.author == me,
        text=r.text,
        answer=r.answer,
        answered_at=r.answered_at,
        at=r.at,
    )


@router.post("", status_code=201, summary="Set up a party organisation")
async def create_org(body: PartyOrgCreate, who: CurrentCaller, party: PartyDep) -> PartyOrgRead:
    """community_admin and gov_officer of the community."""
    row = await party.create_org(
        who,
        community_id=body.community_id,
        title=body.title,
        parent_id=body.parent_id,
        officers=list(body.officers),
    )
    return org_read(row, True)


@router.get("", summary="The community's party organisations")
async def list_orgs(
    who: CurrentCaller,
    party: PartyDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
) -> Page[PartyOrgRead]:
    rows, total = await party.orgs(
        who, community_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([org_read(r, False) for r in rows], total, paging)


@router.get("/{org_id}", summary="One party organisation")
async def get_org(org_id: uuid.UUID, who: CurrentCaller, party: PartyDep) -> PartyOrgRead:
    row, keeps = await party.org(who, org_id)
    return org_read(row, keeps)


@router.post("/{org_id}/members", status_code=201, summary="Add a member (officers, office)")
async def add_member(
    org_id: uuid.UUID, body: MemberCreate, who: CurrentCaller, party: PartyDep
) -> MemberRead:
    new = NewMember(
        name=body.name, id_number=body.id_number, phone=body.phone, joined_on=body.joined_on
    )
    return member_read(await party.add_member(who, org_id, new), True)


@router.get("/{org_id}/members", summary="The members: in full for officers, masked otherwise")
async def members(
    org_id: uuid.UUID, who: CurrentCaller, party: PartyDep, paging: Paging
) -> Page[MemberRead]:
    """In full for the officers (here or above) and the office, masked for the community's
    other staff, refused to residents; every read audited."""
    found = await party.members(who, org_id, paging.limit, paging.offset, cursor=paging.cursor)
    return Page.of([member_read(r, found.full) for r in found.rows], found.total, paging)


@router.post("/{org_id}/meetings", status_code=201, summary="Record a meeting of 三会一课")
async def record_meeting(
    org_id: uuid.UUID, body: MeetingCreate, who: CurrentCaller, party: PartyDep
) -> MeetingRead:
    new = NewMeeting(
        kind=body.kind,
        held_on=body.held_on,
        topic=body.topic,
        attended=list(body.attended),
        excused={e.member_id: e.reason for e in body.excused},
    )
    return meeting_read(await party.record_meeting(who, org_id, new))


@router.get("/{org_id}/meetings", summary="Its meetings with attendance, the latest first")
async def meetings(
    org_id: uuid.UUID, who: CurrentCaller, party: PartyDep, paging: Paging
) -> Page[MeetingRead]:
    rows, total = await party.meetings(
        who, org_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([meeting_read(r) for r in rows], total, paging)


@router.post("/{org_id}/feedback", status_code=201, summary="Give the organisation an opinion")
async def give_feedback(
    org_id: uuid.UUID, body: FeedbackCreate, who: CurrentCaller, party: PartyDep
) -> FeedbackRead:
    return feedback_read(await party.give_feedback(who, org_id, body.text), who.subject)


@router.get("/{org_id}/feedback", summary="Opinions: all for officers, one's own otherwise")
async def feedback(
    org_id: uuid.UUID, who: CurrentCaller, party: PartyDep, paging: Paging
) -> Page[FeedbackRead]:
    rows, total = await party.feedback(
        who, org_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    return Page.of([feedback_read(r, who.subject) for r in rows], total, paging)


@router.post("/{org_id}/feedback/{feedback_id}/answer", summary="Answer an opinion (officers)")
async def answer(
    org_id: uuid.UUID,
    feedback_id: uuid.UUID,
    body: AnswerCreate,
    who: CurrentCaller,
    party: PartyDep,
) -> FeedbackRead:
    return feedback_read(await party.answer(who, org_id, feedback_id, body.text), who.subject)
