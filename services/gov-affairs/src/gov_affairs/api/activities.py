"""Community activities (社区活动): plan, approve, announce, sign up with a waiting list,
check in by the venue's QR code, rate, and the generated summary."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gov_affairs.api.activity_audience import ActivityAudience, audience_read
from gov_affairs.api.deps import ActivitiesDep
from gov_affairs.db.votes import ActivityRow
from gov_affairs.domain import activities as d
from gov_affairs.domain.text import Text
from gov_affairs.usecases.activities import Activities
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/activities", tags=["activities"])

STATUSES = {
    "planned": Text(zh="策划中", en="planned"),
    "pending": Text(zh="待审核", en="awaiting approval"),
    "approved": Text(zh="已审核", en="approved"),
    "announced": Text(zh="报名中", en="announced"),
    "finished": Text(zh="已结束", en="finished"),
    "archived": Text(zh="已归档", en="archived"),
    "cancelled": Text(zh="已取消", en="cancelled"),
}
SIGNUP_STATUSES = {
    "confirmed": Text(zh="已报名", en="you have a place"),
    "waitlisted": Text(zh="候补中", en="on the waiting list"),
    "cancelled": Text(zh="已取消", en="cancelled"),
}


class ActivityCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=120, examples=["重阳节敬老包饺子"])
    description: str = Field(min_length=1, max_length=5000)
    venue: str = Field(min_length=1, max_length=200, examples=["社区活动室（2号楼一层）"])
    starts_at: AwareInstant
    ends_at: AwareInstant
    capacity: int = Field(ge=1, le=100000)
    max_party: int = Field(default=1, ge=1, le=10, description="people one sign-up may bring")
    building_ids: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=50, description="audience; empty: the whole community"
    )


class Step(BaseModel):
    action: Literal["submit", "approve", "reject", "announce", "finish", "cancel"]


class SignUp(BaseModel):
    party: int = Field(default=1, ge=1, le=10)


class CheckIn(BaseModel):
    code: str = Field(min_length=1, max_length=64, description="from the venue's QR code")


class Rating(BaseModel):
    stars: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=500)


class MySignupRead(BaseModel):
    status: str
    status_name: Text
    party: int
    waiting_position: int | None
    checked_in: bool
    rating: int | None


class ActivityRead(BaseModel):
    id: uuid.UUID
    community_id: str
    title: str
    description: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    taken: int
    waiting: int
    status: str
    status_name: Text
    audience: ActivityAudience
    mine: MySignupRead | None = None
    photos: list[uuid.UUID] = Field(default_factory=list, description="once archived")


class CheckInCode(BaseModel):
    code: str = Field(description="what the venue's QR code carries")


class SummaryPhoto(BaseModel):
    id: uuid.UUID
    url: str = Field(description="the photo (JPEG or PNG) for whoever may read the activity")


class SummaryRead(BaseModel):
    title: Text
    paragraph: Text
    signed_up: int
    came: int
    attendance_percent: int
    average_rating: Decimal | None
    ratings: int
    comments: list[str]
    photos: list[SummaryPhoto] = Field(description="the archive's photos, in their order")


def activity_read(
    row: ActivityRow, names: Mapping[str, Text], me: str | None = None
) -> ActivityRead:
    """``names``: the audience's buildings by name (``Activities.audience_names``)."""
    a = d.Activity.model_validate(row.data)
    mine = None
    s = a.mine(me) if me else None
    if s is not None and me is not None:
        mine = MySignupRead(
            status=s.status,
            status_name=SIGNUP_STATUSES[s.status],
            party=s.party,
            waiting_position=d.waiting_position(a, me),
            checked_in=s.checked_in_at is not None,
            rating=s.rating,
        )
    return ActivityRead(
        id=row.id,
        community_id=row.community_id,
        title=a.title,
        description=a.description,
        venue=a.venue,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        capacity=a.capacity,
        taken=a.taken(),
        waiting=sum(w.party for w in a.waiting()),
        status=a.status,
        status_name=STATUSES[a.status],
        audience=audience_read(row, names),
        mine=mine,
        photos=[uuid.UUID(p) for p in a.photos],
    )


async def read(activities: Activities, row: ActivityRow, me: str | None = None) -> ActivityRead:
    return activity_read(row, await activities.audience_names([row]), me)


@router.post("", status_code=201, summary="Plan an activity (place, time, capacity, audience)")
async def plan(body: ActivityCreate, who: CurrentCaller, activities: ActivitiesDep) -> ActivityRead:
    row = await activities.plan(
        who,
        community_id=body.community_id,
        title=body.title,
        description=body.description,
        venue=body.venue,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        capacity=body.capacity,
        max_party=body.max_party,
        building_ids=body.building_ids,
    )
    return await read(activities, row)


@router.get("", summary="The community's activities, the latest first")
async def list_activities(
    who: CurrentCaller,
    activities: ActivitiesDep,
    paging: Paging,
    community_id: str = Query(min_length=1, max_length=64),
) -> Page[ActivityRead]:
    """Residents see announced and past ones; staff every one."""
    rows, total = await activities.page(
        who, community_id, paging.limit, paging.offset, cursor=paging.cursor
    )
    names = await activities.audience_names(rows)
    return Page.of([activity_read(r, names, who.subject) for r in rows], total, paging)


@router.get("/{activity_id}", summary="One activity, with the caller's own sign-up")
async def get_activity(
    activity_id: uuid.UUID, who: CurrentCaller, activities: ActivitiesDep
) -> ActivityRead:
    row, _ = await activities.get(who, activity_id)
    return await read(activities, row, who.subject)


@router.post("/{activity_id}/steps", summary="Submit, approve, reject, announce, finish, cancel")
async def step(
    activity_id: uuid.UUID, body: Step, who: CurrentCaller, activities: ActivitiesDep
) -> ActivityRead:
    """Approval is by someone other than the organiser (403 ``activity.own_activity``)."""
    return await read(activities, await activities.move(who, activity_id, body.action))


@router.post("/{activity_id}/signups", status_code=201, summary="Sign up (a resident)")
async def sign_up(
    activity_id: uuid.UUID, body: SignUp, who: CurrentCaller, activities: ActivitiesDep
) -> ActivityRead:
    """Beyond the capacity the sign-up waits in order (``mine.waiting_position``)."""
    row, _, _ = await activities.sign_up(who, activity_id, body.party)
    return await read(activities, row, who.subject)


@router.post("/{activity_id}/signups/cancel", summary="Cancel my sign-up")
async def cancel(
    activity_id: uuid.UUID, who: CurrentCaller, activities: ActivitiesDep
) -> ActivityRead:
    """The waiting list moves up in order as far as the freed places allow."""
    row = await activities.cancel_signup(who, activity_id)
    return await read(activities, row, who.subject)


@router.get("/{activity_id}/check-in-code", summary="The venue's QR code content (staff)")
async def check_in_code(
    activity_id: uuid.UUID, who: CurrentCaller, activities: ActivitiesDep
) -> CheckInCode:
    return CheckInCode(code=await activities.check_in_code(who, activity_id))


@router.post("/{activity_id}/check-in", summary="Check in with the venue's QR code")
async def check_in(
    activity_id: uuid.UUID, body: CheckIn, who: CurrentCaller, activities: ActivitiesDep
) -> ActivityRead:
    row = await activities.check_in(who, activity_id, body.code)
    return await read(activities, row, who.subject)


@router.post("/{activity_id}/rating", summary="Rate an activity you came to")
async def rate(
    activity_id: uuid.UUID, body: Rating, who: CurrentCaller, activities: ActivitiesDep
) -> ActivityRead:
    row = await activities.rate(who, activity_id, body.stars, body.comment)
    return await read(activities, row, who.subject)


@router.get("/{activity_id}/summary", summary="The generated summary of a finished activity")
async def summary(
    activity_id: uuid.UUID, who: CurrentCaller, activities: ActivitiesDep
) -> SummaryRead:
    s = await activities.summary(who, activity_id)
    return SummaryRead(
        title=s.title,
        paragraph=s.paragraph,
        signed_up=s.signed_up,
        came=s.came,
        attendance_percent=s.attendance_percent,
        average_rating=s.average_rating,
        ratings=s.ratings,
        comments=list(s.comments),
        photos=[
            SummaryPhoto(id=uuid.UUID(p), url=f"{router.prefix}/{activity_id}/photos/{p}")
            for p in s.photos
        ],
    )
