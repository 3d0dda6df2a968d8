"""``GET /api/v1/work-order-stats``: counts for the operations overview (6.7.3), never lists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sc_core.auth import CurrentCaller
from sc_core.schema import Instant
from work_orders.api.deps import StatsDep
from work_orders.api.schemas.stats import Count, WorkOrderStats

router = APIRouter(prefix="/api/v1", tags=["work-order-stats"])


@router.get("/work-order-stats", response_model=WorkOrderStats)
async def work_order_stats(
    who: CurrentCaller,
    stats: StatsDep,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    since: Instant | None = None,
) -> WorkOrderStats:
    counts = await stats.of(who, community_id, since)
    return WorkOrderStats(
        community_id=counts.community_id,
        since=counts.since,
        open=counts.open,
        overdue=counts.overdue,
        escalated=counts.escalated,
        opened_since=counts.opened_since,
        closed_since=counts.closed_since,
        open_by_status=[Count(key=k, count=n) for k, n in counts.open_by_status.items()],
        open_by_type=[Count(key=k, count=n) for k, n in counts.open_by_type.items()],
    )
