"""The alarm feed: the recent alarm lifecycle of the places a staff member serves (the
stream's ``alarm`` events, read back as a page for an app that opens on the history)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select

from notification.db.models import alarm_feed
from notification.usecases.recipients import DIRECTORY
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth import Principal
from sc_core.db.engine import Database
from sc_core.errors import Forbidden

a = alarm_feed.c


def alarm_scope(principal: Principal, roles: list[str]) -> ColumnElement[bool] | None:
    """Which alarm feed rows a staff member sees; None when not staff."""
    if not principal.has_role(*roles) and not principal.is_platform_admin:
        return None
    staff = [*roles, "platform_admin"]
    # the place directory's grid scope (sc_core.places): the buildings of the caller's
    # grids count like the buildings granted
    return DIRECTORY.scope_clause(
        principal, community_col=a.community_id, building_col=a.building_id, roles=staff
    )


class AlarmFeed:
    def __init__(self, db: Database, roles: list[str]) -> None:
        self.db = db
        self.roles = roles

    async def page(
        self, principal: Principal, paging: PageParams, *, alarm_id: str | None
    ) -> tuple[list[Any], PageTotal]:
        """Recent alarm events of my places, newest first; 403 to anyone not staff."""
        scope = alarm_scope(principal, self.roles)
        if scope is None:
            raise Forbidden(
                "auth.forbidden", "The alarm feed is for staff roles", zh="告警动态仅供工作人员查看"
            )
        query = select(alarm_feed).where(scope)
        if alarm_id:
            query = query.where(a.alarm_id == alarm_id)
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query.order_by(a.id.desc()), paging, rows=True)
