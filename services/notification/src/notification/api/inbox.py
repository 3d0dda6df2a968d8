"""The in-app inbox: only the caller's own messages, unread first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from notification.api.deps import InboxDep
from notification.api.schemas.inbox import InboxMessageRead, MarkedRead, UnreadCount
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller, CurrentPrincipal

router = APIRouter(tags=["inbox"])


def _read(row: object) -> InboxMessageRead:
    return InboxMessageRead.model_validate(row, from_attributes=True)


@router.get("/api/v1/inbox", summary="My messages, unread first, newest first")
async def list_inbox(
    principal: CurrentPrincipal,
    inbox: InboxDep,
    paging: Paging,
    unread_only: bool = Query(False, description="only messages not read yet"),
) -> Page[InboxMessageRead]:
    rows, total = await inbox.page(principal, paging, unread_only=unread_only)
    return Page[InboxMessageRead].of([_read(r) for r in rows], total, paging)


@router.get("/api/v1/inbox/unread-count", summary="How many of my messages are unread")
async def unread_count(principal: CurrentPrincipal, inbox: InboxDep) -> UnreadCount:
    return UnreadCount(unread=await inbox.unread(principal))


@router.post("/api/v1/inbox/read-all", summary="Mark all my messages read")
async def read_all(who: CurrentCaller, inbox: InboxDep) -> MarkedRead:
    return MarkedRead(marked=await inbox.read_all(who))


@router.post("/api/v1/inbox/{message_id}/read", summary="Mark one of my messages read")
async def mark_read(
    message_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    who: CurrentCaller,
    inbox: InboxDep,
) -> InboxMessageRead:
    return _read(await inbox.read(who, message_id))
