"""Notices (公告): drafted, approved, published to places and roles, pinned, read.

::

    draft ─submit─▶ pending ─approve─▶ published ─withdraw─▶ withdrawn
      ▲               │
      └────reject─────┘        (a published notice past ``expires_at`` reads as expired)

The author never approves their own notice. A notice reaches the people who belong to any
of its places (a community, a building, a unit or a grid) and hold one of its roles (no
roles: every resident-side role); nobody else sees it. Read receipts make "who has not
read it" a list the committee can chase, grouped by building.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gov_affairs.domain.text import Refusal

PlaceType = Literal["community", "building", "unit", "grid"]
Status = Literal["draft", "pending", "published", "withdrawn"]
STATUS_WORDS: dict[str, tuple[str, str]] = {  # a notice's state as a person says it
    "draft": ("尚为草稿", "a draft"),
    "pending": ("正在审核", "awaiting approval"),
    "published": ("已发布", "published"),
    "withdrawn": ("已撤回", "withdrawn"),
}
CATEGORY_WORDS: dict[str, tuple[str, str]] = {  # what kind of notice, as a person says it
    "general": ("通知", "notice"),
    "outage": ("停水停电", "water or power cut"),
    "safety": ("安全提示", "safety"),
    "policy": ("政策宣传", "policy"),
    "service": ("办事指南", "services"),
    "event": ("活动预告", "event"),
    "legal": ("普法宣传", "legal education"),
}
RESIDENT_SIDE = frozenset({"resident", "tenant", "family"})
AUTHOR_ROLES = frozenset({"community_admin", "gov_officer", "property_manager", "platform_admin"})
APPROVER_ROLES = frozenset({"community_admin", "gov_officer", "platform_admin"})


class PlaceRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: PlaceType
    id: str = Field(min_length=1, max_length=64)


class Audience(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    places: list[PlaceRef] = Field(min_length=1, max_length=50)
    roles: list[str] = Field(default_factory=list, max_length=17)


class Notice(BaseModel):
    title: str = Field(min_length=1, max_length=120)
    body: str = Field(min_length=1, max_length=20000)
    title_en: str | None = Field(default=None, max_length=200)
    body_en: str | None = Field(default=None, max_length=40000)
    community_id: str
    audience: Audience
    author: str
    status: Status = "draft"
    pinned: bool = False
    pinned_until: datetime | None = None
    expires_at: datetime | None = None
    attachments: list[str] = Field(default_factory=list, max_length=20)
    approved_by: str | None = None
    published_at: datetime | None = None
    withdrawn_at: datetime | None = None
    rejection: str | None = None

    @model_validator(mode="after")
    def _pin(self) -> Notice:
        if self.pinned_until is not None and not self.pinned:
            raise ValueError("pinned_until is for a pinned notice")
        return self


class NoticeError(Refusal):
    """A refusal of a notice step; ``code`` is stable (``notice.<reason>``)."""


_MOVES: dict[str, tuple[frozenset[str], Status]] = {
    "submit": (frozenset({"draft"}), "pending"),
    "approve": (frozenset({"pending"}), "published"),
    "reject": (frozenset({"pending"}), "draft"),
    "withdraw": (frozenset({"published", "pending"}), "withdrawn"),
}


def move(
    notice: Notice, action: str, actor: str, roles: set[str], now: datetime, note: str = ""
) -> Notice:
    """Take ``action`` on the notice; raises NoticeError(``notice.<reason>``)."""
    sources, target = _MOVES[action]
    if notice.status not in sources:
        raise NoticeError(
            "notice.bad_state",
            f"This step is not possible on a notice that is {STATUS_WORDS[notice.status][1]}",
            zh=f"该公告{STATUS_WORDS[notice.status][0]}，不能这样操作",
        )
    if action in {"approve", "reject"}:
        if not roles & APPROVER_ROLES:
            raise NoticeError(
                "notice.not_approver",
                "Only the committee or street office approves",
                zh="公告须由居委会或街道审核",
            )
        if actor == notice.author:
            raise NoticeError(
                "notice.own_notice",
                "A notice is approved by someone other than its author",
                zh="公告须由发布人以外的人审核",
            )
    elif actor != notice.author and not roles & APPROVER_ROLES:
        raise NoticeError(
            "notice.not_author",
            "Only the author or an approver may do this",
            zh="只有发布人或审核人可以这样操作",
        )
    n = notice.model_copy(deep=True)
    n.status = target
    if action == "approve":
        n.approved_by, n.published_at, n.rejection = actor, now, None
    elif action == "reject":
        n.rejection = note or "退回修改"
    elif action == "withdraw":
        n.withdrawn_at = now
    return n


@dataclass(frozen=True)
class Viewer:
    """Who is looking: their roles and every place they belong to (their household's room,
    unit, building, grid and community, as the place directory says)."""

    account: str
    roles: frozenset[str]
    places: frozenset[tuple[str, str]]


def reaches(notice: Notice, viewer: Viewer) -> bool:
    """Whether the notice is for this viewer (the audience, not staff's management view)."""
    wanted = frozenset(notice.audience.roles) or RESIDENT_SIDE
    if not viewer.roles & wanted:
        return False
    return any((p.type, p.id) in viewer.places for p in notice.audience.places)


def visible(notice: Notice, viewer: Viewer, now: datetime) -> bool:
    """Published, not expired, and for this viewer."""
    if notice.status != "published":
        return False
    if notice.expires_at is not None and now >= notice.expires_at:
        return False
    return reaches(notice, viewer)


def is_pinned(notice: Notice, now: datetime) -> bool:
    return notice.pinned and (notice.pinned_until is None or now < notice.pinned_until)


def board_order(notices: Iterable[Notice], now: datetime) -> list[Notice]:
    """Pinned first, then the newest."""
    return sorted(
        notices,
        key=lambda n: (
            not is_pinned(n, now),
            -(n.published_at.timestamp() if n.published_at else 0),
        ),
    )


@dataclass(frozen=True)
class Member:
    """One person of the audience, as the place directory names their home."""

    account: str
    building: str  # e.g. "1号楼"
    room: str  # e.g. "1单元 101室"


@dataclass(frozen=True)
class ReadReport:
    total: int
    read: int
    unread_by_building: dict[str, list[Member]]

    @property
    def unread(self) -> int:
        return self.total - self.read


def read_report(audience: Iterable[Member], readers: set[str]) -> ReadReport:
    """Who has read the notice and who has not, the latter grouped by building."""
    members = {m.account: m for m in audience}
    unread: dict[str, list[Member]] = defaultdict(list)
    for m in members.values():
        if m.account not in readers:
            unread[m.building].append(m)
    for people in unread.values():
        people.sort(key=lambda m: m.room)
    read = sum(1 for a in members if a in readers)
    return ReadReport(
        total=len(members), read=read, unread_by_building=dict(sorted(unread.items()))
    )
