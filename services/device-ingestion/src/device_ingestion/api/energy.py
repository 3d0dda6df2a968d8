"""Energy statistics (6.1.3 c): water, electricity and gas consumption of a community,
building, unit or household by day, month or year.

Meters report cumulative counters (the ``counter`` key of their type). A counter at an
instant is the running maximum of its readings, so the consumption of a bucket is how much
the running maximum rose since the previous bucket (the bucket before the range is the
baseline; a meter's very first bucket counts from its own first reading). The figures come
from the day/month/year roll-ups; the scope's total is the sum over its meters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import text

from device_ingestion.api.deps import PartsDep
from sc_core.api import UnitOfWorkDep
from sc_core.auth import CurrentPrincipal, ensure_in_scope
from sc_core.errors import NotFound, Problem

router = APIRouter(prefix="/api/v1", tags=["energy"])

Scope = Literal["community", "building", "unit", "household"]
_COLUMN = {
    "community": "community_id",
    "building": "building_id",
    "unit": "unit_id",
    "household": "household_id",
}


class Bucket(BaseModel):
    start: datetime
    consumption: float


class EnergyStats(BaseModel):
    kind: str
    scope: Scope
    id: str
    period: str
    unit: str | None
    meters: int
    total: float
    buckets: list[Bucket]


def _consumption_sql(column: str) -> Any:
    # column is one of _COLUMN's values, never user input
    return text(
        f"""
        WITH meters AS MATERIALIZED (
            SELECT d.id, t.key FROM devices d
              JOIN unnest(CAST(:types AS text[]), CAST(:keys AS text[])) AS t(type, key)
                ON t.type = d.device_type
             WHERE d.{column} = :id
        ), b AS (
            -- per meter in id order, its buckets in index order: the windows need no big sort
            SELECT m.id AS device_id, r.bucket, r.min, r.max
              FROM (SELECT * FROM meters ORDER BY id) m
             CROSS JOIN LATERAL (
                SELECT r.bucket, r.min, r.max FROM telemetry_rollups r
                 WHERE r.device_id = m.id AND r.key = m.key AND r.period = :period
                   AND r.bucket >= :start AND r.bucket < :end
                 ORDER BY r.bucket) r
        ), base AS (
            SELECT m.id AS device_id, prev.max AS level
              FROM meters m, LATERAL (
                SELECT r.max FROM telemetry_rollups r
                 WHERE r.device_id = m.id AND r.key = m.key AND r.period = :period
                   AND r.bucket < :start
                 ORDER BY r.bucket DESC LIMIT 1) prev
        ), used AS (
            -- level = running max (or the baseline); one sort serves both windows
            SELECT b.bucket,
                   greatest(max(b.max) OVER w, base.level)
                   - coalesce(greatest(max(b.max) OVER before, base.level), b.min) AS c
              FROM b LEFT JOIN base ON base.device_id = b.device_id
            WINDOW w AS (PARTITION BY b.device_id ORDER BY b.bucket
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
                   before AS (PARTITION BY b.device_id ORDER BY b.bucket
                              ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        )
        SELECT bucket, sum(c) AS consumption,
               (SELECT count(*) FROM meters) AS meters
          FROM used GROUP BY bucket ORDER BY bucket
        """  # noqa: S608
    )


@router.get("/energy", response_model=EnergyStats)
async def energy(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    parts: PartsDep,
    kind: Literal["water", "electricity", "gas"],
    scope: Scope,
    id: Annotated[str, Query(min_length=1, max_length=64)],
    period: Literal["day", "month", "year"],
    from_: Annotated[AwareDatetime, Query(alias="from")],
    to: AwareDatetime,
) -> EnergyStats:
    if to <= from_:
        raise Problem(422, "energy.bad_range", "'to' must be after 'from'")
    column = _COLUMN[scope]
    place = (
        await uow.session.execute(
            text(
                f"SELECT community_id, building_id, unit_id, household_id FROM devices "  # noqa: S608
                f"WHERE {column} = :id LIMIT 1"
            ),
            {"id": id},
        )
    ).first()
    if place is None:
        raise NotFound("energy.scope_not_found", f"No device is registered in {scope} {id}")
    ids = {"community_id": place.community_id}
    for level in ("building", "unit", "household"):
        ids[f"{level}_id"] = place._mapping[f"{level}_id"] if _deeper(scope, level) else None
    ensure_in_scope(principal, **ids)
    meter_types = parts.catalogue.meter_types(kind)
    params = {
        "types": [t.name for t in meter_types],
        "keys": [t.counter for t in meter_types],
        "id": id,
        "period": period,
        "start": from_,
        "end": to,
    }
    # a year by day of a large community sorts ~10^6 rows: keep that in memory
    await uow.session.execute(text("SET LOCAL work_mem = '64MB'"))
    rows = (await uow.session.execute(_consumption_sql(column), params)).all()
    buckets = [Bucket(start=r.bucket, consumption=round(float(r.consumption), 6)) for r in rows]
    unit = meter_types[0].keys[meter_types[0].counter].unit if meter_types else None  # type: ignore[index]
    meters = int(rows[0].meters) if rows else 0
    return EnergyStats(
        kind=kind,
        scope=scope,
        id=id,
        period=period,
        unit=unit,
        meters=meters,
        total=round(sum(b.consumption for b in buckets), 6),
        buckets=buckets,
    )


def _deeper(scope: str, level: str) -> bool:
    """Whether ``level`` is the scope itself or above it (its id is known for the scope)."""
    order = ["community", "building", "unit", "household"]
    return order.index(level) <= order.index(scope)
