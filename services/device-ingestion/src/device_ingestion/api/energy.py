"""Energy statistics (6.1.3 c): water, electricity and gas consumption of a community,
building, unit or household by day, month or year.

Meters report cumulative counters (the ``counter`` key of their type). A counter at an
instant is the running maximum of its readings, so the consumption of a bucket is how much
the running maximum rose since the previous bucket (the bucket before the range is the
baseline; a meter's very first bucket counts from its own first reading). The figures come
from the day/month/year roll-ups; the scope's total is the sum over its meters. Community
and building figures come precomputed from ``energy_rollups`` up to the community's dirty
mark and live after it (:mod:`device_ingestion.energy`), so they are always exact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import text

from device_ingestion.api.deps import PartsDep
from device_ingestion.energy import consumption_cte
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


def _live_sql(column: str) -> Any:
    # column is one of _COLUMN's values, never user input
    return text(
        "WITH "  # noqa: S608
        + consumption_cte(f"d.{column} = :id")
        + " SELECT bucket, sum(c) AS consumption FROM used GROUP BY bucket ORDER BY bucket"
    )


_PRECOMPUTED = text(
    """
    SELECT bucket, consumption FROM energy_rollups
     WHERE scope = :scope AND scope_id = :id AND community_id = :community AND kind = :kind
       AND period = :period AND bucket >= :start AND bucket < :end
     ORDER BY bucket
    """
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
    types = [t.name for t in meter_types]
    params: dict[str, Any] = {
        "types": types,
        "keys": [t.counter for t in meter_types],
        "kinds": [kind] * len(types),
        "id": id,
        "period": period,
        "start": from_,
        "end": to,
    }
    buckets: list[Bucket] = []
    live_from = from_
    if scope in ("community", "building"):
        # precomputed buckets before the community's dirty mark, the rest live
        since = await uow.session.scalar(
            text("SELECT since FROM energy_dirty WHERE community_id = :c AND period = :p"),
            {"c": place.community_id, "p": period},
        )
        live_from = to if since is None else min(max(from_, since), to)
        if live_from > from_:
            pre = await uow.session.execute(
                _PRECOMPUTED,
                {
                    "scope": scope,
                    "id": id,
                    "community": place.community_id,
                    "kind": kind,
                    "period": period,
                    "start": from_,
                    "end": live_from,
                },
            )
            buckets = [_bucket(r) for r in pre]
    if live_from < to:
        # a year by day of a large community sorts ~10^6 rows: keep that in memory
        await uow.session.execute(text("SET LOCAL work_mem = '64MB'"))
        live = await uow.session.execute(_live_sql(column), {**params, "start": live_from})
        buckets.extend(_bucket(r) for r in live)
    meters = int(
        await uow.session.scalar(
            text(
                f"SELECT count(*) FROM devices WHERE {column} = :id "  # noqa: S608
                "AND device_type = ANY(CAST(:types AS text[]))"
            ),
            {"id": id, "types": types},
        )
        or 0
    )
    unit = meter_types[0].keys[meter_types[0].counter].unit if meter_types else None  # type: ignore[index]
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


def _bucket(row: Any) -> Bucket:
    return Bucket(start=row.bucket, consumption=round(float(row.consumption), 6))


def _deeper(scope: str, level: str) -> bool:
    """Whether ``level`` is the scope itself or above it (its id is known for the scope)."""
    order = ["community", "building", "unit", "household"]
    return order.index(level) <= order.index(scope)
