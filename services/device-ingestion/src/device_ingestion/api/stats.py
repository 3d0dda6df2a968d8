"""``GET /api/v1/device-stats``: counts for the operations overview (6.7.3), never lists.

Devices of one community online and offline, by device type and by building, within the
caller's places (the device register's scope). ``community_id`` may be left out by a
caller of one community (issue 19 item 2: device-ingestion keeps no place directory, so
the default comes from the caller's community grants, sc_core.places.defaults).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from device_ingestion.api.deps import DEVICE_READ, DeviceReader, UseCasesDep
from sc_core.places.defaults import community_of_grants

router = APIRouter(prefix="/api/v1", tags=["device-stats"])


class StatusCount(BaseModel):
    key: str  # a device type, or a building id ("" = no building)
    online: int
    offline: int


class DeviceStats(BaseModel):
    community_id: str
    online: int
    offline: int
    by_type: list[StatusCount]
    by_building: list[StatusCount]


@router.get("/device-stats", response_model=DeviceStats)
async def device_stats(
    who: DeviceReader,
    uc: UseCasesDep,
    community_id: Annotated[
        str | None,
        Query(min_length=1, max_length=64, description="Default: the caller's one community"),
    ] = None,
) -> DeviceStats:
    community_id = community_of_grants(who.principal, community_id, roles=DEVICE_READ)
    counts = await uc.telemetry.status_counts(who, community_id)
    by_type, by_building = (
        [StatusCount(key=k or "", online=on, offline=off) for k, on, off in counts[name]]
        for name in ("by_type", "by_building")
    )
    return DeviceStats(
        community_id=community_id,
        online=sum(t.online for t in by_type),
        offline=sum(t.offline for t in by_type),
        by_type=by_type,
        by_building=by_building,
    )
