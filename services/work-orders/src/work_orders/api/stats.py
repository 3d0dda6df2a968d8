"""``GET /api/v1/work-order-stats``: counts for the operations overview (6.7.3), never lists.

Open cases (by status and case type), overdue ones, opened and closed since a time, of one
community, within what the caller may see (the case list's scope).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import and_, func, or_, select

from sc_core.api import UnitOfWorkDep
from sc_core.auth import CurrentPrincipal
from work_orders import access
from work_orders.db.models import WorkOrder
from work_orders.domain import states

router = APIRouter(prefix="/api/v1", tags=["work-order-stats"])


class Count(BaseModel):
    key: str
    count: int


class WorkOrderStats(BaseModel):
    community_id: str
    since: datetime
    open: int
    overdue: int
    escalated: int
    opened_since: int
    closed_since: int  # resolved or closed since `since`
    open_by_status: list[Count]
    open_by_type: list[Count]


@router.get("/work-order-stats", response_model=WorkOrderStats)
async def work_order_stats(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    since: datetime | None = None,
) -> WorkOrderStats:
    now = datetime.now(UTC)
    since = since or now - timedelta(days=1)
    mine = and_(access.visible_clause(principal), WorkOrder.community_id == community_id)
    is_open = WorkOrder.status.in_(sorted(states.OPEN))
    overdue = or_(
        and_(
            WorkOrder.status.in_(sorted(states.AWAITING_RESPONSE)),
            WorkOrder.response_due_at < now,
        ),
        and_(is_open, WorkOrder.resolution_due_at < now),
    )
    finished = func.coalesce(WorkOrder.closed_at, WorkOrder.resolved_at)
    counts = (
        await uow.session.execute(
            select(
                func.count().filter(is_open),
                func.count().filter(overdue),
                func.count().filter(is_open & WorkOrder.escalated),
                func.count().filter(WorkOrder.created_at >= since),
                func.count().filter(finished >= since),
            ).where(mine)
        )
    ).one()

    async def grouped(column: object) -> list[Count]:
        query = select(column, func.count()).where(mine, is_open).group_by(column)  # type: ignore[call-overload]
        return [Count(key=str(k), count=n) for k, n in (await uow.session.execute(query)).all()]

    return WorkOrderStats(
        community_id=community_id,
        since=since,
        open=counts[0],
        overdue=counts[1],
        escalated=counts[2],
        opened_since=counts[3],
        closed_since=counts[4],
        open_by_status=await grouped(WorkOrder.status),
        open_by_type=await grouped(WorkOrder.case_type),
    )
