"""The hotline view for government officers (issue 24 item 7): 12345 hotline tickets as
work-orders' events tell them, for the communities the officer holds a grant on."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from gov_affairs.api.deps import HotlineDep
from gov_affairs.db.hotline import HotlineStepRow, HotlineTicketRow
from gov_affairs.domain.hotline import CASE_STATUSES, CATEGORIES, PRIORITIES, STEPS, words
from gov_affairs.domain.text import Text
from gov_affairs.usecases.hotline import FINISHED, READERS
from sc_core.api import Page, Paging
from sc_core.auth import Caller, callers

router = APIRouter(prefix="/api/v1/hotline", tags=["hotline"])
Reader = Annotated[Caller, Depends(callers(*sorted(READERS)))]


class HotlineStepRead(BaseModel):
    action: str
    action_name: Text
    status: str
    status_name: Text
    reply_text: str | None = Field(description="A reply step's text as staff wrote it")
    occurred_at: datetime


class HotlineTicketRead(BaseModel):
    work_order_id: str
    ticket_number: str | None
    community_id: str
    building_id: str | None
    category: str
    category_name: Text
    source: str
    status: str
    status_name: Text
    finished: bool
    priority: str
    priority_name: Text
    due_at: datetime | None
    overdue: bool
    opened_at: datetime
    updated_at: datetime
    replies: int
    last_reply_at: datetime | None
    last_reply_text: str | None = Field(description="The latest reply's text, as written")
    closed_at: datetime | None


class HotlineTicketDetail(HotlineTicketRead):
    steps: list[HotlineStepRead]


def _ticket(r: HotlineTicketRow, now: datetime) -> HotlineTicketRead:
    finished = r.status in FINISHED
    return HotlineTicketRead(
        work_order_id=r.work_order_id,
        ticket_number=r.ticket_number,
        community_id=r.community_id,
        building_id=r.building_id,
        category=r.case_type,
        category_name=words(CATEGORIES, r.case_type),
        source=r.source,
        status=r.status,
        status_name=words(CASE_STATUSES, r.status),
        finished=finished,
        priority=r.priority,
        priority_name=words(PRIORITIES, r.priority),
        due_at=r.due_at,
        overdue=bool(r.due_at and not finished and r.status != "resolved" and r.due_at < now),
        opened_at=r.opened_at,
        updated_at=r.updated_at,
        replies=r.replies,
        last_reply_at=r.last_reply_at,
        last_reply_text=r.last_reply_text,
        closed_at=r.closed_at,
    )


def _step(s: HotlineStepRow) -> HotlineStepRead:
    return HotlineStepRead(
        action=s.action,
        action_name=words(STEPS, s.action),
        status=s.status,
        status_name=words(CASE_STATUSES, s.status),
        reply_text=s.reply_text,
        occurred_at=s.occurred_at,
    )


@router.get("/tickets", summary="12345 hotline tickets of the officer's communities")
async def list_tickets(
    who: Reader,
    hotline: HotlineDep,
    paging: Paging,
    community_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status: Annotated[str | None, Query(pattern=r"^[a-z_]+$", max_length=24)] = None,
    open_only: Annotated[bool, Query(description="only the tickets not finished")] = False,
) -> Page[HotlineTicketRead]:
    """Newest first, per community; built from work-orders' events, so a step shows here
    moments after it is taken there, a reply with its text. No resident's name or phone is
    kept or shown."""
    rows, total = await hotline.page(
        who, paging, community_id=community_id, status=status, open_only=open_only
    )
    now = datetime.now().astimezone()
    return Page.of([_ticket(r, now) for r in rows], total, paging)


@router.get("/tickets/{work_order_id}", summary="One hotline ticket with its steps")
async def read_ticket(
    who: Reader,
    hotline: HotlineDep,
    work_order_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> HotlineTicketDetail:
    found = await hotline.ticket(who, work_order_id)
    now = datetime.now().astimezone()
    return HotlineTicketDetail(
        **_ticket(found.row, now).model_dump(), steps=[_step(s) for s in found.steps]
    )
