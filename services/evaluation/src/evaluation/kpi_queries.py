"""Reading the KPI buckets back: values of a place and period, per service, and the event
ids behind a figure (traceability)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection

from sqlalchemy import Text, cast, or_, select

from evaluation.db.models import PLACES, KpiAggregate, KpiBucket
from evaluation.domain.kpis import KPIS, KpiValue, Stat, value_of
from evaluation.domain.kpis.ledger import bucket_keys
from evaluation.domain.periods import Period
from evaluation.kpi_store import contribution_from_json
from sc_core.db.uow import UnitOfWork


async def values(
    uow: UnitOfWork, scope: str, scope_id: str, period: Period, service: str = ""
) -> dict[str, KpiValue]:
    """Every KPI at one place and period (a KPI with nothing measured: value None, n 0)."""
    rows = (
        await uow.session.execute(
            select(KpiBucket).where(
                KpiBucket.scope == scope,
                KpiBucket.scope_id == scope_id,
                KpiBucket.service == service,
                KpiBucket.period == period.key,
            )
        )
    ).scalars()
    stats = {r.kpi: Stat(r.num, r.den, r.n) for r in rows}
    out = {}
    for code in KPIS:
        stat = stats.get(code, Stat())
        out[code] = KpiValue(code, value_of(code, stat) if stat.n else None, stat)
    return out


async def by_service(
    uow: UnitOfWork, kpi: str, community_id: str, period: Period
) -> dict[str, KpiValue]:
    rows = (
        await uow.session.execute(
            select(KpiBucket).where(
                KpiBucket.kpi == kpi,
                KpiBucket.scope == "community",
                KpiBucket.scope_id == community_id,
                KpiBucket.service != "",
                KpiBucket.period == period.key,
                KpiBucket.n > 0,
            )
        )
    ).scalars()
    return {
        r.service: KpiValue(kpi, value_of(kpi, Stat(r.num, r.den, r.n)), Stat(r.num, r.den, r.n))
        for r in rows
    }


async def inputs(uow: UnitOfWork, kpi: str, community_id: str, period: Period) -> tuple[str, ...]:
    """The event ids behind a community's figure of one KPI and period, sorted."""
    return (await inputs_of(uow, (kpi,), community_id, period))[kpi]


async def inputs_of(
    uow: UnitOfWork, kpis: Collection[str], community_id: str, period: Period
) -> dict[str, tuple[str, ...]]:
    """The event ids behind a community's figures of several KPIs and one period, each
    sorted: one read of the aggregates that name them, as text, decoded and sifted in a
    worker thread. A month of a large community is thousands of aggregates; read once per
    KPI, decoded and sifted on the event loop, the month-end sweep held every request to
    the service for most of a second per community (the list walk, ADR 0087)."""
    wanted = frozenset(kpis)
    if not wanted:
        return {}
    texts = await uow.session.scalars(
        select(cast(KpiAggregate.contributions, Text)).where(
            or_(
                *(
                    KpiAggregate.contributions.contains([{"kpi": k, "community_id": community_id}])
                    for k in sorted(wanted)
                )
            )
        )
    )
    return await asyncio.to_thread(_sift, list(texts), wanted, community_id, period)


def _sift(
    texts: list[str], kpis: frozenset[str], community_id: str, period: Period
) -> dict[str, tuple[str, ...]]:
    ids: dict[str, set[str]] = {k: set() for k in kpis}
    for text in texts:
        for raw in json.loads(text):
            if raw.get("kpi") not in kpis or raw.get("community_id") != community_id:
                continue
            c = contribution_from_json(raw)
            if any(k.scope == "community" and k.period == period for k in bucket_keys(c)):
                ids[c.kpi].update(c.event_ids)
    return {k: tuple(sorted(v)) for k, v in ids.items()}


async def place_community(uow: UnitOfWork, scope: str, place_id: str) -> str | None:
    """The community a building or grid belongs to, when the place directory knows it."""
    h = PLACES.households.c  # a building is known by the households placed in it
    column = h.building_id if scope == "building" else h.grid_id
    return await uow.session.scalar(select(h.community_id).where(column == place_id).limit(1))
