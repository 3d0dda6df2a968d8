"""The in-app inbox: only the caller's own messages, unread first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy import func, select, update

from notification.db.models import inbox_message
from notification.outcomes import publish_read
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import CurrentPrincipal
from sc_core.errors import NotFound

router = APIRouter(tags=["inbox"])
m = inbox_message.c


class InboxMessageRead(BaseModel):
    id: int
    title: str
    body: str
    severity: str
    template: str
    request_id: str
    community_id: str | None
    correlation_id: str | None
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    marked: int


def _read(row: object) -> InboxMessageRead:
    return InboxMessageRead.model_validate(row, from_attributes=True)


@router.get("/api/v1/inbox", summary="My messages, unread first, newest first")
async def list_inbox(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    paging: Paging,
    unread_only: bool = Query(False, description="only messages not read yet"),
) -> Page[InboxMessageRead]:
    query = select(inbox_message).where(m.user_id == principal.subject)
    if unread_only:
        query = query.where(m.read_at.is_(None))
    query = query.order_by(m.read_at.is_not(None), m.id.desc())
    rows, total = await fetch_page(uow.session, query, paging, rows=True)
    return Page[InboxMessageRead].of([_read(r) for r in rows], total, paging)


@router.get("/api/v1/inbox/unread-count", summary="How many of my messages are unread")
async def unread_count(principal: CurrentPrincipal, uow: UnitOfWorkDep) -> UnreadCount:
    count = await uow.session.scalar(
        select(func.count()).where(m.user_id == principal.subject, m.read_at.is_(None))
    )
    return UnreadCount(unread=int(count or 0))


@router.post("/api/v1/inbox/read-all", summary="Mark all my messages read")
async def read_all(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> MarkedRead:
    result = await uow.session.execute(
        update(inbox_message)
        .where(m.user_id == principal.subject, m.read_at.is_(None))
        .values(read_at=func.now())
        .returning(inbox_message)
    )
    rows = result.all()
    marked = len(rows)
    for row in rows:
        await publish_read(uow, row)
    await auditor.within(
        uow,
        action="inbox.read_all",
        resource_type="inbox",
        resource_id=principal.subject,
        principal=principal,
        request=request,
        detail={"marked": str(marked)},
    )
    await uow.commit()
    return MarkedRead(marked=marked)


@router.post("/api/v1/inbox/{message_id}/read", summary="Mark one of my messages read")
async def mark_read(
    message_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> InboxMessageRead:
    mine = (m.id == message_id) & (m.user_id == principal.subject)
    first = (
        await uow.session.execute(
            update(inbox_message)
            .where(mine, m.read_at.is_(None))
            .values(read_at=func.now())
            .returning(inbox_message)
        )
    ).first()
    row = first or (await uow.session.execute(select(inbox_message).where(mine))).first()
    if row is None:  # someone else's message is as absent as a missing one
        raise NotFound("inbox.not_found", "No such message in your inbox")
    if first is not None:  # read for the first time: told once
        await publish_read(uow, first)
    await auditor.within(
        uow,
        action="inbox.read",
        resource_type="inbox_message",
        resource_id=str(message_id),
        principal=principal,
        request=request,
    )
    await uow.commit()
    return _read(row)
