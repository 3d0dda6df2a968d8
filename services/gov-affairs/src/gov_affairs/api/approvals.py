"""A signer's inbox: the approval tasks waiting for them, the earliest due first."""

from __future__ import annotations

from fastapi import APIRouter

from gov_affairs.api.deps import HallDep
from gov_affairs.api.schemas import TaskRead
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/hall", tags=["service hall"])


@router.get("/inbox", summary="Approval tasks waiting for me")
async def inbox(who: CurrentCaller, hall: HallDep, paging: Paging) -> Page[TaskRead]:
    rows, total = await hall.inbox(who, paging.limit, paging.offset, cursor=paging.cursor)
    items = [
        TaskRead(application_id=r.application_id, step=r.step, kind=r.kind, due_at=r.due_at)
        for r in rows
    ]
    return Page[TaskRead].of(items, total, paging)
