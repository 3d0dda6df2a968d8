"""Counts for the operations overview (6.7.3), never lists: open cases (by status and case
type), overdue and escalated ones, opened and closed since a time, of one community,
within what the caller may see (the case list's scope)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select

from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from work_orders.db import cases as repo
from work_orders.db.models import WorkOrder
from work_orders.domain import states
from work_orders.usecases.lifecycle import now_utc


@dataclass(frozen=True)
class CaseCounts:
    community_id: str
    since: datetime
    open: int
    overdue: int
    escalated: int
    opened_since: int
    closed_since: int  # resolved or closed since `since`
    open_by_status: dict[str, int]
    open_by_type: dict[str, int]


class Stats:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of(self, who: Caller, community_id: str, since: datetime | None) -> CaseCounts:
        now = now_utc()
        since = since or now - timedelta(days=1)
        mine = and_(repo.visible_clause(who.principal), WorkOrder.community_id == community_id)
        is_open = WorkOrder.status.in_(sorted(states.OPEN))
        finished = func.coalesce(WorkOrder.closed_at, WorkOrder.resolved_at)
        async with self.db.uow(read_only=True) as uow:
            counts = (
                await uow.session.execute(
                    select(
                        func.count().filter(is_open),
                        func.count().filter(repo.overdue_clause(now)),
                        func.count().filter(is_open & WorkOrder.escalated),
                        func.count().filter(WorkOrder.created_at >= since),
                        func.count().filter(finished >= since),
                    ).where(mine)
                )
            ).one()

            async def grouped(column: Any) -> dict[str, int]:
                query = select(column, func.count()).where(mine, is_open).group_by(column)
                return {str(k): n for k, n in (await _rows(uow, query))}

            by_status = await grouped(WorkOrder.status)
            by_type = await grouped(WorkOrder.case_type)
        return CaseCounts(
            community_id=community_id,
            since=since,
            open=counts[0],
            overdue=counts[1],
            escalated=counts[2],
            opened_since=counts[3],
            closed_since=counts[4],
            open_by_status=by_status,
            open_by_type=by_type,
        )


async def _rows(uow: UnitOfWork, query: Any) -> list[Any]:
    return list((await uow.session.execute(query)).all())
