"""``GET /api/v1/device-stats``: counts for the operations overview (6.7.3), never lists.

Devices of one community online and offline, by device type and by building, within the
caller's places (the device register's scope).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from device_ingestion.api.deps import DEVICE_READ, DeviceReader
from device_ingestion.db.models import devices
from sc_core.api import UnitOfWorkDep
from sc_core.auth import scope_clause

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
    uow: UnitOfWorkDep,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> DeviceStats:
    c = devices.c
    where = (
        scope_clause(
            who.principal,
            community_col=c.community_id,
            building_col=c.building_id,
            unit_col=c.unit_id,
            household_col=c.household_id,
            roles=DEVICE_READ,
        ),
        c.community_id == community_id,
    )
    online = func.count().filter(c.status == "online")
    offline = func.count().filter(c.status != "online")

    async def grouped(column: object) -> list[StatusCount]:
        query = select(column, online, offline).where(*where).group_by(column)  # type: ignore[call-overload]
        rows = (await uow.session.execute(query)).all()
        return [StatusCount(key=k or "", online=on, offline=off) for k, on, off in rows]

    by_type = await grouped(c.device_type)
    return DeviceStats(
        community_id=community_id,
        online=sum(t.online for t in by_type),
        offline=sum(t.offline for t in by_type),
        by_type=by_type,
        by_building=await grouped(c.building_id),
    )
