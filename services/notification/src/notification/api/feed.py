"""``GET /api/v1/alarm-feed``: the recent alarm lifecycle of my places (staff), newest
first; what the stream's ``alarm`` events carry, for an app that opens on the history."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from notification.api.deps import SettingsDep
from notification.api.stream import alarm_scope
from notification.db.models import alarm_feed
from sc_core.api import Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import CurrentPrincipal
from sc_core.errors import Forbidden

router = APIRouter(tags=["stream"])
a = alarm_feed.c


class AlarmFeedRead(BaseModel):
    id: int
    event_type: str
    alarm_id: str
    alarm_type: str
    severity: str
    status: str
    community_id: str
    building_id: str | None
    title: str | None
    created_at: datetime


@router.get("/api/v1/alarm-feed", summary="Recent alarm events of my places (staff)")
async def list_feed(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    paging: Paging,
    settings: SettingsDep,
    alarm_id: str | None = Query(None, max_length=64),
) -> Page[AlarmFeedRead]:
    scope = alarm_scope(principal, settings.alarm_feed_roles)
    if scope is None:
        raise Forbidden("auth.forbidden", "The alarm feed is for staff roles")
    query = select(alarm_feed).where(scope)
    if alarm_id:
        query = query.where(a.alarm_id == alarm_id)
    rows, total = await fetch_page(uow.session, query.order_by(a.id.desc()), paging, rows=True)
    return Page[AlarmFeedRead].of(
        [AlarmFeedRead.model_validate(x, from_attributes=True) for x in rows], total, paging
    )
