"""Queries: latest values, time series and roll-ups of one device."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from device_ingestion.api.deps import DeviceReader, UseCasesDep
from sc_core.errors import Problem
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1", tags=["telemetry"])

Agg = Literal["avg", "min", "max", "sum", "count"]


class Point(BaseModel):
    ts: datetime
    value: bool | float | str | None


class Latest(BaseModel):
    ts: datetime
    value: bool | float | str | None
    unvalidated: bool = Field(
        default=False,
        description="an extra key the device type does not declare: stored as sent, unchecked",
    )


def _value(row: Any) -> bool | float | str | None:
    if row.num is not None:
        return float(row.num)
    if row.bool is not None:
        return bool(row.bool)
    return row.str


@router.get("/devices/{device_id}/latest", response_model=dict[str, Latest])
async def latest(
    device_id: uuid.UUID,
    who: DeviceReader,
    uc: UseCasesDep,
    keys: Annotated[
        str | None, Query(max_length=2000, description="comma-separated keys; all when absent")
    ] = None,
) -> dict[str, Latest]:
    device, rows = await uc.telemetry.latest(who, device_id, keys)
    spec = uc.catalogue.get(device.device_type)
    return {
        r.key: Latest(
            ts=r.ts, value=_value(r), unvalidated=spec is None or not spec.declares(r.key)
        )
        for r in rows
    }


@router.get("/devices/{device_id}/telemetry", response_model=dict[str, list[Point]])
async def series(
    device_id: uuid.UUID,
    who: DeviceReader,
    uc: UseCasesDep,
    from_: Annotated[AwareInstant, Query(alias="from")],
    to: AwareInstant,
    keys: Annotated[str | None, Query(max_length=2000)] = None,
    interval: Literal["hour", "day", "month", "year"] | None = None,
    agg: Agg = "avg",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, list[Point]]:
    """Raw points in [from, to) (newest ``limit`` per key, oldest first), or with
    ``interval`` one aggregated point per bucket (bucket start in the community's zone)."""
    if to <= from_:
        raise Problem(
            422, "telemetry.bad_range", "'to' must be after 'from'", zh="结束时间须晚于开始时间"
        )
    out: dict[str, list[Point]] = {}
    if interval is None:
        for row in await uc.telemetry.points(who, device_id, from_, to, keys):
            points = out.setdefault(row.key, [])
            if len(points) < limit:
                points.append(Point(ts=row.ts, value=_value(row)))
        return {k: list(reversed(v)) for k, v in out.items()}
    buckets = await uc.telemetry.rollups(who, device_id, interval, from_, to, keys, limit * 50)
    for row in buckets:
        out.setdefault(row.key, []).append(Point(ts=row.bucket, value=aggregate(row, agg)))
    return out


def aggregate(row: Any, agg: Agg) -> float:
    if agg == "avg":
        return float(row.sum) / row.count if row.count else 0.0
    if agg == "count":
        return float(row.count)
    return float(getattr(row, agg))
