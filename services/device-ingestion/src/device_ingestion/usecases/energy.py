"""Reading energy statistics (6.1.3 c): the figures of a community, building, unit or
household by day, month or year (how they are computed: :mod:`device_ingestion.api.energy`
and :mod:`device_ingestion.energy`). A household's figures are personal data: read only by
its members and the staff serving its place (:mod:`device_ingestion.domain.energy_access`),
and every such read, allowed or refused, is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text

from device_ingestion.api.schemas import Bucket, EnergyScope, EnergyStats
from device_ingestion.domain import energy_access
from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.energy import consumption_cte
from sc_core.auth import Caller
from sc_core.dates import local
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, NotFound, Problem

# How a refusal names the place asked about (never the scope's key).
_SCOPE_WORDS = {
    "community": "该社区",
    "building": "该楼栋",
    "unit": "该单元",
    "household": "该住户",
}

_COLUMN = {
    "community": "community_id",
    "building": "building_id",
    "unit": "unit_id",
    "household": "household_id",
}


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


class Energy:
    """The energy figures of a place, read in a read-only unit of work (a household's
    read audited with it)."""

    def __init__(self, db: Database, catalogue: Catalogue) -> None:
        self.db = db
        self.catalogue = catalogue

    async def read(
        self,
        who: Caller,
        *,
        kind: str,
        scope: EnergyScope,
        id: str,
        period: str,
        from_: datetime,
        to: datetime,
        tz: str = "UTC",
    ) -> EnergyStats:
        async with self.db.uow(read_only=True) as uow:
            return await read_energy(
                uow, self.db, self.catalogue, who,
                kind=kind, scope=scope, id=id, period=period, from_=from_, to=to, tz=tz,
            )  # fmt: skip


async def read_energy(
    uow: UnitOfWork,
    db: Database,
    catalogue: Catalogue,
    who: Caller,
    *,
    kind: str,
    scope: EnergyScope,
    id: str,
    period: str,
    from_: datetime,
    to: datetime,
    tz: str = "UTC",
) -> EnergyStats:
    if to <= from_:
        raise Problem(
            422, "energy.bad_range", "'to' must be after 'from'", zh="结束时间须晚于开始时间"
        )
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
        raise NotFound(
            "energy.scope_not_found",
            f"No device is registered in {scope} {id}",
            zh=f"{_SCOPE_WORDS.get(scope, '该处')}没有登记任何设备",
        )
    ids = {"community_id": place.community_id}
    for level in ("building", "unit", "household"):
        ids[f"{level}_id"] = place._mapping[f"{level}_id"] if _deeper(scope, level) else None
    await _check_access(uow, db, who, scope, id, ids)
    meter_types = catalogue.meter_types(kind)
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
    await uow.commit()  # a household read's audit record
    return EnergyStats(
        kind=kind,
        scope=scope,
        id=id,
        period=period,
        unit=unit,
        meters=meters,
        total=round(sum(b.consumption for b in buckets), 6),
        timezone=tz,
        buckets=[Bucket(start=local(b.start, tz), consumption=b.consumption) for b in buckets],
    )


async def _check_access(
    uow: UnitOfWork,
    db: Database,
    who: Caller,
    scope: str,
    id: str,
    place: dict[str, str | None],
) -> None:
    """403 unless the caller may read this scope; a household's read is audited either
    way (the refusal on its own, the read with the answer's transaction)."""
    allowed = energy_access.may_read(who.principal, scope, place)
    if scope == "household":
        action, community_id = "energy.read_sensitive", place["community_id"]
        if not allowed:
            async with db.uow() as own:  # the refusal on its own
                await own.audit(
                    who, action, "household", id, community_id=community_id, outcome="denied"
                )
                await own.commit()
        else:
            await uow.audit(who, action, "household", id, community_id=community_id)
    if not allowed:
        raise Forbidden(
            "auth.out_of_scope", "This place is outside your scope", zh="该处不在您负责的范围内"
        )


def _bucket(row: Any) -> Bucket:
    return Bucket(start=row.bucket, consumption=round(float(row.consumption), 6))


def _deeper(scope: str, level: str) -> bool:
    """Whether ``level`` is the scope itself or above it (its id is known for the scope)."""
    order = ["community", "building", "unit", "household"]
    return order.index(level) <= order.index(scope)
