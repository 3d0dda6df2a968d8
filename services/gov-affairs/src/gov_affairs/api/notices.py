"""Community notices (社区公告): draft, approve (publishes), withdraw; the board; read receipts
and who has not read a notice."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from gov_affairs.api.deps import NoticesDep
from gov_affairs.domain import notices as d
from gov_affairs.domain.text import Text
from gov_affairs.usecases.notices import Draft, Listed
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.places import PlaceName, say_both
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/notices", tags=["notices"])

Category = Literal["general", "outage", "safety", "policy", "service", "event", "legal"]
AudienceRole = Literal[
    "resident",
    "family",
    "tenant",
    "property_staff",
    "property_manager",
    "grid_worker",
    "community_admin",
    "gov_officer",
    "police",
    "volunteer",
]
ROLE_WORDS = {
    "resident": Text(zh="业主/居民", en="residents"),
    "family": Text(zh="家属", en="family members"),
    "tenant": Text(zh="租户", en="tenants"),
    "property_staff": Text(zh="物业员工", en="property staff"),
    "property_manager": Text(zh="物业经理", en="property managers"),
    "grid_worker": Text(zh="网格员", en="grid workers"),
    "community_admin": Text(zh="社区管理员", en="community admins"),
    "gov_officer": Text(zh="政务人员", en="government officers"),
    "police": Text(zh="民警", en="police"),
    "volunteer": Text(zh="志愿者", en="volunteers"),
}
STATUS_NAMES = {
    "draft": Text(zh="草稿", en="draft"),
    "pending": Text(zh="待审核", en="awaiting approval"),
    "published": Text(zh="已发布", en="published"),
    "withdrawn": Text(zh="已撤回", en="withdrawn"),
}
EXPIRED = Text(zh="已过期", en="expired")
PLACE_WORDS = {
    "community": Text(zh="全社区", en="the whole community"),
    "building": Text(zh="楼栋", en="building"),
    "grid": Text(zh="网格", en="grid"),
    "unit": Text(zh="单元", en="unit"),
}


class PlaceIn(BaseModel):
    type: Literal["community", "building", "grid"]
    id: str = Field(min_length=1, max_length=64)


class NoticeCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=120, examples=["12月10日停水通知"])
    body: str = Field(min_length=1, max_length=20000)
    category: Category = "general"
    places: list[PlaceIn] = Field(
        default_factory=list, max_length=50, description="where it is for; empty: the community"
    )
    roles: list[AudienceRole] = Field(
        default_factory=list, max_length=10, description="who it is for; empty: residents"
    )
    pinned: bool = False
    pinned_until: AwareInstant | None = None
    expires_at: AwareInstant | None = None
    attachments: list[uuid.UUID] = Field(
        default_factory=list, max_length=20, description="ids from POST /api/v1/hall/files"
    )


class Step(BaseModel):
    action: Literal["submit", "approve", "reject", "withdraw"]
    note: str = Field(default="", max_length=500, description="why (required to withdraw)")


class PlaceRead(BaseModel):
    type: str
    id: str
    type_name: Text


class NoticeFileRead(BaseModel):
    id: uuid.UUID
    filename: str = Field(description="the name it was uploaded with")
    content_type: str
    size: int = Field(description="bytes")


class NoticeRead(BaseModel):
    id: uuid.UUID
    community_id: str
    title: str
    body: str
    category: str
    category_name: Text
    places: list[PlaceRead]
    roles: list[str]
    role_names: list[Text]
    status: str
    status_name: Text
    pinned: bool
    pinned_until: datetime | None
    expires_at: datetime | None
    attachments: list[uuid.UUID]
    attachment_files: list[NoticeFileRead] = Field(
        default_factory=list, description="the attachments with their names, in order"
    )
    mine: bool = Field(description="the caller drafted it")
    rejection: str | None
    withdrawal_reason: str | None
    published_at: datetime | None
    created_at: datetime
    reads: int | None = Field(description="people who have read it (staff only)")
    audience: int | None = Field(description="people it is for (staff only, once published)")


class UnreadRead(BaseModel):
    home: Text = Field(description="building, unit and room; or the role for staff")
    role: str
    role_name: Text


class UnreadPage(Page[UnreadRead]):
    audience: int
    reads: int


def _words(pair: tuple[str, str]) -> Text:
    return Text(zh=pair[0], en=pair[1])


def notice_read(found: Listed, me: str) -> NoticeRead:
    r = found.row
    return NoticeRead(
        id=r.id,
        community_id=r.community_id,
        title=r.title,
        body=r.body,
        category=r.category,
        category_name=_words(d.CATEGORY_WORDS[r.category]),
        places=[
            PlaceRead(type=p.type, id=p.id, type_name=PLACE_WORDS[p.type]) for p in found.places
        ],
        roles=list(r.roles or []),
        role_names=[ROLE_WORDS[x] for x in (r.roles or []) if x in ROLE_WORDS],
        status=r.status,
        status_name=EXPIRED
        if r.status == "published" and r.expires_at and r.expires_at <= datetime.now(UTC)
        else STATUS_NAMES[r.status],
        pinned=r.pinned,
        pinned_until=r.pinned_until,
        expires_at=r.expires_at,
        attachments=[uuid.UUID(a) for a in r.attachments or []],
        attachment_files=[
            NoticeFileRead(id=f.id, filename=f.filename, content_type=f.content_type, size=f.size)
            for f in found.files
        ],
        mine=r.author_id == me,
        rejection=r.rejection,
        withdrawal_reason=r.withdrawal_reason,
        published_at=r.published_at,
        created_at=r.created_at,
        reads=found.reads,
        audience=found.audience,
    )


def disposition(filename: str, file_id: uuid.UUID) -> str:
    """The download under the name it was uploaded with (RFC 6266: an ASCII fallback, the
    UTF-8 name percent-encoded beside it)."""
    fallback = "".join(c if (c.isascii() and c.isalnum()) or c in "._-" else "_" for c in filename)
    if not fallback.strip("_."):
        fallback = str(file_id)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.post("", status_code=201, summary="Draft a notice for places and roles")
async def draft(body: NoticeCreate, who: CurrentCaller, notices: NoticesDep) -> NoticeRead:
    places = [d.PlaceRef(type=p.type, id=p.id) for p in body.places] or [
        d.PlaceRef(type="community", id=body.community_id)
    ]
    found = await notices.draft(
        who,
        Draft(
            community_id=body.community_id,
            title=body.title,
            body=body.body,
            category=body.category,
            places=places,
            roles=list(body.roles),
            pinned=body.pinned,
            pinned_until=body.pinned_until,
            expires_at=body.expires_at,
            attachments=body.attachments,
        ),
    )
    return notice_read(found, who.subject)


@router.get("", summary="Notices: a community's every one (its staff), else the caller's board")
async def list_notices(
    who: CurrentCaller,
    notices: NoticesDep,
    paging: Paging,
    community_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    category: Annotated[Category | None, Query()] = None,
) -> Page[NoticeRead]:
    """Pinned first, then the newest. Residents (and staff without ``community_id``) see the
    published, unexpired notices for their places and roles; ``category=legal`` lists the
    legal education articles (普法宣传)."""
    rows, total = await notices.page(
        who, community_id, paging.limit, paging.offset, category=category, cursor=paging.cursor
    )
    return Page.of([notice_read(r, who.subject) for r in rows], total, paging)


@router.get("/{notice_id}", summary="Read a notice (leaves a read receipt, once)")
async def read(notice_id: uuid.UUID, who: CurrentCaller, notices: NoticesDep) -> NoticeRead:
    return notice_read(await notices.read(who, notice_id), who.subject)


@router.post("/{notice_id}/steps", summary="Submit, approve (publishes), reject, withdraw")
async def step(
    notice_id: uuid.UUID, body: Step, who: CurrentCaller, notices: NoticesDep
) -> NoticeRead:
    """Approval is by someone other than the author (403 ``notice.own_notice``); approving
    publishes the notice and pushes it to everyone it is for."""
    return notice_read(await notices.move(who, notice_id, body.action, body.note), who.subject)


@router.get("/{notice_id}/unread", summary="Who has not read the notice (its staff)")
async def unread(
    notice_id: uuid.UUID, who: CurrentCaller, notices: NoticesDep, paging: Paging
) -> UnreadPage:
    """By building, unit and room; the service keeps no names, so each is named by home."""
    rows, missing, people, reads = await notices.unread(who, notice_id, paging.limit, paging.offset)
    items = []
    for u in rows:
        role = ROLE_WORDS.get(u.role, Text(zh=u.role, en=u.role))
        if u.building or u.unit or u.room:
            zh, en = say_both(PlaceName(building=u.building, unit=u.unit, room=u.room))
            home = Text(zh=zh, en=en)
        else:
            home = role
        items.append(UnreadRead(home=home, role=u.role, role_name=role))
    page = Page.of(items, missing, paging)
    return UnreadPage(**page.model_dump(), audience=people, reads=reads)


@router.get(
    "/{notice_id}/attachments/{file_id}",
    summary="An attachment of a notice",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
async def attachment(
    notice_id: uuid.UUID, file_id: uuid.UUID, who: CurrentCaller, notices: NoticesDep
) -> Response:
    f = await notices.attachment(who, notice_id, file_id)
    return Response(
        base64.b64decode(f.content),
        media_type=f.content_type,
        headers={"Content-Disposition": disposition(f.filename, f.id)},
    )
