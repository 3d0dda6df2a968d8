"""Community activities (6.6): plan, approve, announce, sign up, check in, rate, archive,
and a generated summary.

::

    planned ─submit─▶ pending ─approve─▶ approved ─announce─▶ announced
       ▲                 └──reject──┘
    announced ─finish─▶ finished ─archive─▶ archived;  anything before finished ─cancel─▶ cancelled

Sign-up is first come: places up to the capacity (a party of several takes several), then a
waiting list in order; when someone cancels, the waiting list moves up in order as far as
the freed places allow (a party that does not fit waits; nobody behind it jumps it).
Check-in is by the QR code shown at the venue (a token of the activity) from half an hour
before the start to the end, for people with a place. Only those who came rate (1-5).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, model_validator

from gov_affairs.domain.notices import Audience
from gov_affairs.domain.text import Refusal, Text

Status = Literal["planned", "pending", "approved", "announced", "finished", "archived", "cancelled"]
SignupStatus = Literal["confirmed", "waitlisted", "cancelled"]
STATUS_WORDS: dict[str, tuple[str, str]] = {  # an activity's state as a person says it
    "planned": ("尚在策划", "still being planned"),
    "pending": ("正在审核", "awaiting approval"),
    "approved": ("已审核通过", "approved"),
    "announced": ("已发布", "announced"),
    "finished": ("已结束", "finished"),
    "archived": ("已归档", "archived"),
    "cancelled": ("已取消", "cancelled"),
}
CHECK_IN_EARLY = timedelta(minutes=30)
_CHINA = ZoneInfo("Asia/Shanghai")


class Signup(BaseModel):
    person: str
    name: str
    party: int = Field(default=1, ge=1, le=10)
    status: SignupStatus
    at: datetime
    checked_in_at: datetime | None = None
    rating: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, max_length=500)


class Activity(BaseModel):
    title: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=1, max_length=5000)
    venue: str = Field(min_length=1, max_length=200)  # as people say it: 社区活动室（2号楼一层）
    community_id: str
    audience: Audience
    starts_at: datetime
    ends_at: datetime
    capacity: int = Field(ge=1, le=100000)
    max_party: int = Field(default=1, ge=1, le=10)
    organiser: str
    status: Status = "planned"
    check_in_token: str = Field(default_factory=lambda: secrets.token_urlsafe(16))
    signups: list[Signup] = Field(default_factory=list)
    photos: list[str] = Field(default_factory=list)
    notes: str | None = None

    @model_validator(mode="after")
    def _times(self) -> Activity:
        if self.ends_at <= self.starts_at:
            raise ValueError("an activity ends after it starts")
        return self

    def taken(self) -> int:
        return sum(s.party for s in self.signups if s.status == "confirmed")

    def waiting(self) -> list[Signup]:
        return [s for s in self.signups if s.status == "waitlisted"]

    def mine(self, person: str) -> Signup | None:
        return next(
            (s for s in self.signups if s.person == person and s.status != "cancelled"), None
        )


class ActivityError(Refusal):
    """A refusal of an activity step; ``code`` is stable (``activity.<reason>``)."""


_MOVES: dict[str, tuple[frozenset[str], Status]] = {
    "submit": (frozenset({"planned"}), "pending"),
    "approve": (frozenset({"pending"}), "approved"),
    "reject": (frozenset({"pending"}), "planned"),
    "announce": (frozenset({"approved"}), "announced"),
    "finish": (frozenset({"announced"}), "finished"),
    "archive": (frozenset({"finished"}), "archived"),
    "cancel": (frozenset({"planned", "pending", "approved", "announced"}), "cancelled"),
}


def move(a: Activity, action: str, actor: str) -> Activity:
    sources, target = _MOVES[action]
    if a.status not in sources:
        zh, en = STATUS_WORDS[a.status]
        raise ActivityError(
            "activity.bad_state",
            f"This cannot be done while the activity is {en}",
            zh=f"活动{zh}，不能这样操作",
        )
    if action in {"approve", "reject"} and actor == a.organiser:
        raise ActivityError(
            "activity.own_activity",
            "An activity is approved by someone other than its organiser",
            zh="活动须由策划人以外的人审核",
        )
    a = a.model_copy(deep=True)
    a.status = target
    return a


@dataclass(frozen=True)
class Promoted:
    person: str


def sign_up(
    a: Activity, person: str, name: str, at: datetime, party: int = 1
) -> tuple[Activity, Signup]:
    if a.status != "announced":
        raise ActivityError(
            "activity.not_open",
            "Sign-up opens when the activity is announced",
            zh="活动发布后才能报名",
        )
    if at >= a.starts_at:
        raise ActivityError(
            "activity.started",
            "Sign-up closes when the activity starts",
            zh="活动已开始，报名已截止",
        )
    if party > a.max_party:
        raise ActivityError(
            "activity.party_too_big",
            f"At most {a.max_party} per sign-up",
            zh=f"每次报名最多{a.max_party}人",
        )
    if a.mine(person) is not None:
        raise ActivityError(
            "activity.already_signed_up", "You have signed up already", zh="您已经报过名了"
        )
    a = a.model_copy(deep=True)
    fits = not a.waiting() and a.taken() + party <= a.capacity
    s = Signup(
        person=person, name=name, party=party, status="confirmed" if fits else "waitlisted", at=at
    )
    a.signups.append(s)
    return a, s


def cancel_signup(a: Activity, person: str) -> tuple[Activity, list[Promoted]]:
    a = a.model_copy(deep=True)
    s = a.mine(person)
    if s is None:
        raise ActivityError("activity.not_signed_up", "You have not signed up", zh="您还没有报名")
    was_confirmed = s.status == "confirmed"
    s.status = "cancelled"
    promoted: list[Promoted] = []
    if was_confirmed:
        for w in a.waiting():
            if a.taken() + w.party > a.capacity:
                break
            w.status = "confirmed"
            promoted.append(Promoted(w.person))
    return a, promoted


def waiting_position(a: Activity, person: str) -> int | None:
    for i, s in enumerate(a.waiting(), start=1):
        if s.person == person:
            return i
    return None


def check_in(a: Activity, person: str, token: str, at: datetime) -> Activity:
    if not secrets.compare_digest(token, a.check_in_token):
        raise ActivityError(
            "activity.bad_check_in_code",
            "This is not this activity's check-in code",
            zh="这不是本次活动的签到码",
        )
    if not (a.starts_at - CHECK_IN_EARLY <= at <= a.ends_at) or a.status != "announced":
        raise ActivityError(
            "activity.check_in_closed",
            "Check-in is open from half an hour before the start to the end",
            zh="签到时间为活动开始前半小时至活动结束",
        )
    a = a.model_copy(deep=True)
    s = a.mine(person)
    if s is None or s.status != "confirmed":
        raise ActivityError(
            "activity.no_place",
            "Only people with a place check in",
            zh="只有已获得名额的居民可以签到",
        )
    if s.checked_in_at is None:
        s.checked_in_at = at
    return a


def rate(a: Activity, person: str, stars: int, comment: str | None, at: datetime) -> Activity:
    if at < a.starts_at:
        raise ActivityError(
            "activity.not_yet", "Rate the activity once it has taken place", zh="活动开始后才能评价"
        )
    a = a.model_copy(deep=True)
    s = a.mine(person)
    if s is None or s.checked_in_at is None:
        raise ActivityError(
            "activity.not_attended",
            "Only people who came rate the activity",
            zh="只有到场的居民可以评价",
        )
    if not 1 <= stars <= 5:
        raise ActivityError("activity.bad_rating", "A rating is 1 to 5 stars", zh="评价为1至5星")
    s.rating, s.comment = stars, (comment or None)
    return a


def archive(a: Activity, photos: list[str], notes: str | None) -> Activity:
    a = move(a, "archive", "system")
    a.photos, a.notes = photos, notes
    return a


# --- the generated summary ---------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    title: Text
    paragraph: Text
    signed_up: int
    came: int
    attendance_percent: int
    average_rating: Decimal | None
    ratings: int
    comments: tuple[str, ...]
    photos: tuple[str, ...]


def summarise(a: Activity, community_name: str, max_comments: int = 5) -> Summary:
    """The publicity text (宣传文案) of an activity, from what was recorded."""
    confirmed = [s for s in a.signups if s.status == "confirmed"]
    signed_up = sum(s.party for s in confirmed)
    came = sum(s.party for s in confirmed if s.checked_in_at)
    percent = came * 100 // signed_up if signed_up else 0
    stars = [s.rating for s in confirmed if s.rating]
    avg = (
        (Decimal(sum(stars)) / len(stars)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if stars
        else None
    )
    comments = tuple(
        s.comment for s in sorted(confirmed, key=lambda s: -(s.rating or 0)) if s.comment
    )[:max_comments]
    day = a.starts_at.astimezone(_CHINA)
    zh = (
        f"{day.year}年{day.month}月{day.day}日，{community_name}在{a.venue}举办了“{a.title}”活动。"
        f"共有{signed_up}人报名，实到{came}人，到场率{percent}%。"
    )
    en = (
        f"On {day:%d %B %Y}, {community_name} held \u201c{a.title}\u201d at {a.venue}. "
        f"{signed_up} signed up and {came} came ({percent}%)."
    )
    if avg is not None:
        zh += f"{len(stars)}位居民参与评价，平均{avg}分（满分5分）。"
        en += f" {len(stars)} rated it, {avg} out of 5 on average."
    if a.notes:
        zh += a.notes
    return Summary(
        title=Text(zh=f"{a.title}活动小结", en=f"Summary: {a.title}"),
        paragraph=Text(zh=zh, en=en),
        signed_up=signed_up,
        came=came,
        attendance_percent=percent,
        average_rating=avg,
        ratings=len(stars),
        comments=comments,
        photos=tuple(a.photos),
    )
