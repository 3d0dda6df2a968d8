"""Queries: latest values, time series and roll-ups of one device."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import select

from device_ingestion.api.deps import DEVICE_READ, DeviceReader
from device_ingestion.db.models import telemetry, telemetry_latest, telemetry_rollups
from device_ingestion.usecases.devices import load_device
from sc_core.api import UnitOfWorkDep
from sc_core.errors import Problem

router = APIRouter(prefix="/api/v1", tags=["telemetry"])

Agg = Literal["avg", "min", "max", "sum", "count"]


class Point(BaseModel):
    ts: datetime
    value: bool | float | str | None


class Latest(BaseModel):
    ts: datetime
    value: bool | float | str | None


def _value(row: Any) -> bool | float | str | None:
    if row.num is not None:
        return float(row.num)
    if row.bool is not None:
        return bool(row.bool)
    return row.str


def _keys(keys: str | None) -> list[str] | None:
    if not keys:
        return None
    out = [k.strip() for k in keys.split(",") if k.strip()]
    if len(out) > 50:
        raise Problem(422, "telemetry.too_many_keys", "Ask for at most 50 keys at once")
    return out


@router.get("/devices/{device_id}/latest", response_model=dict[str, Latest])
async def latest(
    device_id: uuid.UUID,
    who: DeviceReader,
    uow: UnitOfWorkDep,
    keys: Annotated[str | None, Query(description="comma-separated keys; all when absent")] = None,
) -> dict[str, Latest]:
    await load_device(uow, device_id, who.principal, DEVICE_READ)
    query = select(telemetry_latest).where(telemetry_latest.c.device_id == device_id)
    wanted = _keys(keys)
    if wanted:
        query = query.where(telemetry_latest.c.key.in_(wanted))
    rows = (await uow.session.execute(query)).all()
    return {r.key: Latest(ts=r.ts, value=_value(r)) for r in rows}


@router.get("/devices/{device_id}/telemetry", response_model=dict[str, list[Point]])
async def series(
    device_id: uuid.UUID,
    who: DeviceReader,
    uow: UnitOfWorkDep,
    from_: Annotated[AwareDatetime, Query(alias="from")],
    to: AwareDatetime,
    keys: str | None = None,
    interval: Literal["hour", "day", "month", "year"] | None = None,
    agg: Agg = "avg",
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> dict[str, list[Point]]:
    """Raw points in [from, to) (newest ``limit`` per key, oldest first), or with
    ``interval`` one aggregated point per bucket (bucket start in the community's zone)."""
    if to <= from_:
        raise Problem(422, "telemetry.bad_range", "'to' must be after 'from'")
    await load_device(uow, device_id, who.principal, DEVICE_READ)
    wanted = _keys(keys)
    out: dict[str, list[Point]] = {}
    if interval is None:
        q = select(telemetry).where(
            telemetry.c.device_id == device_id, telemetry.c.ts >= from_, telemetry.c.ts < to
        )
        if wanted:
            q = q.where(telemetry.c.key.in_(wanted))
        q = q.order_by(telemetry.c.key, telemetry.c.ts.desc())
        for row in (await uow.session.execute(q)).all():
            points = out.setdefault(row.key, [])
            if len(points) < limit:
                points.append(Point(ts=row.ts, value=_value(row)))
        return {k: list(reversed(v)) for k, v in out.items()}
    r = telemetry_rollups.c
    q = select(telemetry_rollups).where(
        r.device_id == device_id, r.period == interval, r.bucket >= from_, r.bucket < to
    )
    if wanted:
        q = q.where(r.key.in_(wanted))
    for row in (await uow.session.execute(q.order_by(r.key, r.bucket).limit(limit * 50))).all():
        out.setdefault(row.key, []).append(Point(ts=row.bucket, value=aggregate(row, agg)))
    return out


def aggregate(row: Any, agg: Agg) -> float:
    if agg == "avg":
        return float(row.sum) / row.count if row.count else 0.0
    if agg == "count":
        return float(row.count)
    return float(getattr(row, agg))
