"""``GET /api/v1/alarm-stats``: counts for the operations overview (6.7.3), never lists.

Active alarms by severity and status, raised since a time, active per building, and the
special-population register's size by category with its emergencies since that time (only
for register readers; counts carry no personal data). Scoped like the alarm list.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from alarm.api.deps import AlarmReader, StatsDep
from alarm.api.filters import InstantFilter
from alarm.api.schemas import AlarmStats

router = APIRouter(prefix="/api/v1", tags=["alarm-stats"])


@router.get("/alarm-stats", response_model=AlarmStats)
async def alarm_stats(
    who: AlarmReader,
    stats: StatsDep,
    community_id: Annotated[
        str | None,
        Query(min_length=1, max_length=64, description="Default: the caller's one community"),
    ] = None,
    since: InstantFilter = None,
) -> AlarmStats:
    return await stats.overview(who, community_id, since)
