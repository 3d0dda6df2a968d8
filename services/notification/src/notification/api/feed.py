"""``GET /api/v1/alarm-feed``: the recent alarm lifecycle of my places (staff), newest
first; what the stream's ``alarm`` events carry, for an app that opens on the history."""

from __future__ import annotations

from fastapi import APIRouter, Query

from notification.api.deps import AlarmFeedDep
from notification.api.schemas.feed import AlarmFeedRead
from sc_core.api import Page, Paging
from sc_core.auth import CurrentPrincipal

router = APIRouter(tags=["stream"])


@router.get("/api/v1/alarm-feed", summary="Recent alarm events of my places (staff)")
async def list_feed(
    principal: CurrentPrincipal,
    feed: AlarmFeedDep,
    paging: Paging,
    alarm_id: str | None = Query(None, max_length=64),
) -> Page[AlarmFeedRead]:
    rows, total = await feed.page(principal, paging, alarm_id=alarm_id)
    return Page[AlarmFeedRead].of(
        [AlarmFeedRead.model_validate(x, from_attributes=True) for x in rows], total, paging
    )
