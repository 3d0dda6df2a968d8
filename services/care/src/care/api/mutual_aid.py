"""Mutual aid (邻里互助): an elder asks for help, a neighbour or volunteer of the community
takes it, the elder confirms it was done and rates it. The board of open requests shows
no name, flat or phone; the taker sees them (audited)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from care.api.deps import MutualAidDep
from care.domain.elderly import HELP_KIND_WORDS, HELP_STATUS_WORDS, HelpKind, HelpStatus
from care.usecases.mutual_aid import HelpView
from sc_core.auth import CurrentCaller
from sc_core.paging import Page, Paging
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/care/help-requests", tags=["mutual aid"])


class HelpCreate(BaseModel):
    person_id: str = Field(min_length=1, max_length=64, description="the elder's care record")
    kind: HelpKind = Field(examples=["shopping"])
    wanted_at: AwareInstant = Field(description="when the help is wanted (within 30 days)")
    note: str | None = Field(
        default=None, max_length=200, examples=["买一袋米和一桶油"],
        description="what neighbours read before taking it: no address here",
    )  # fmt: skip
    phone: str | None = Field(default=None, max_length=20, pattern=r"^[0-9+\- ]{5,20}$")


class HelpConfirm(BaseModel):
    rating: int = Field(ge=1, le=5)
    thanks: str | None = Field(default=None, max_length=200, examples=["谢谢小王！"])


class HelpRead(BaseModel):
    id: str
    community_id: str
    person_id: str | None = Field(description="only to who sees it in full")
    kind: HelpKind
    kind_zh: str
    kind_en: str
    wanted_at: datetime
    when_zh: str
    when_en: str
    status: HelpStatus
    status_zh: str
    status_en: str
    masked: bool = Field(description="true on the board: the name masked; no flat, address, phone")
    elder_name: str
    place_zh: str
    place_en: str
    address: str | None
    phone: str | None
    note: str | None
    helper_name: str | None
    rating: int | None
    thanks: str | None
    created_at: datetime


@router.post("", status_code=201, response_model=HelpRead)
async def ask(body: HelpCreate, who: CurrentCaller, aid: MutualAidDep) -> HelpRead:
    """The elder, a guardian or family whose consent covers the profile asks; the
    community's volunteers are told (no name or flat)."""
    found = await aid.ask(who, body.person_id, body.kind, body.wanted_at, body.note, body.phone)
    return read(found)


@router.get("", response_model=Page[HelpRead])
async def requests(
    who: CurrentCaller,
    aid: MutualAidDep,
    paging: Paging,
    view: Annotated[Literal["open", "asked", "taken", "board"], Query()] = "open",
    community_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[HelpStatus | None, Query()] = None,
) -> Page[HelpRead]:
    """``open``: the board of the caller's communities (masked); ``asked``: the caller's
    own and those for them; ``taken``: those the caller took; ``board``: the staff's
    board of their communities (admins, caregivers, grid workers), every status, masked;
    ``status`` narrows any of them (``expired``: nobody took it in time)."""
    views, total = await aid.requests(who, view, community_id, paging, status)
    return Page[HelpRead].of([read(v) for v in views], total, paging)


@router.get("/{request_id}", response_model=HelpRead)
async def one(request_id: uuid.UUID, who: CurrentCaller, aid: MutualAidDep) -> HelpRead:
    return read(await aid.get(who, request_id))


@router.post("/{request_id}/take", response_model=HelpRead)
async def take(request_id: uuid.UUID, who: CurrentCaller, aid: MutualAidDep) -> HelpRead:
    """One taker: a second one at the same time gets 409 ``care.help_not_open``."""
    return read(await aid.take(who, request_id))


@router.post("/{request_id}/confirm", response_model=HelpRead, name="confirm_help")
async def confirm(
    request_id: uuid.UUID, body: HelpConfirm, who: CurrentCaller, aid: MutualAidDep
) -> HelpRead:
    """The asker or the elder confirms it was done, with a rating (1–5)."""
    return read(await aid.step(who, request_id, "confirm", body.rating, body.thanks))


@router.post("/{request_id}/{action}", response_model=HelpRead)
async def step(
    request_id: uuid.UUID,
    action: Literal["release", "cancel"],
    who: CurrentCaller,
    aid: MutualAidDep,
) -> HelpRead:
    """The taker gives it back (``release``); the asker or the elder cancels it."""
    return read(await aid.step(who, request_id, action))


def read(v: HelpView) -> HelpRead:
    r = v.row
    kind, status = HelpKind(r.kind), HelpStatus(r.status)
    zh, en = v.when
    return HelpRead(
        id=str(r.id), community_id=r.community_id, person_id=r.person_id if v.full else None,
        kind=kind, kind_zh=HELP_KIND_WORDS[kind][0], kind_en=HELP_KIND_WORDS[kind][1],
        wanted_at=r.wanted_at, when_zh=zh, when_en=en, status=status,
        status_zh=HELP_STATUS_WORDS[status][0], status_en=HELP_STATUS_WORDS[status][1],
        masked=not v.full, elder_name=v.elder_name, place_zh=v.place[0], place_en=v.place[1],
        address=v.address, phone=r.phone if v.full else None, note=r.note,
        helper_name=r.taker_name if v.full else None, rating=r.rating,
        thanks=r.thanks if v.full else None, created_at=r.created_at,
    )  # fmt: skip
