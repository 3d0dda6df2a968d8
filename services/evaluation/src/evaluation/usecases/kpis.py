"""Reading the KPIs (read-only units of work): the values of a place and period, one KPI
per service, and the event ids behind a figure; each behind the viewer's scope check."""

from __future__ import annotations

from evaluation import kpi_queries
from evaluation.domain.kpis import KpiValue
from evaluation.domain.periods import Period
from evaluation.usecases.access import ensure_viewer, problem
from sc_core.auth.principal import Principal
from sc_core.db.engine import Database


class Kpis:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of_place(
        self,
        principal: Principal,
        locale: str,
        community_id: str,
        period: Period,
        scope: str,
        place: str,
    ) -> dict[str, KpiValue]:
        """Every KPI of a community, or of one of its buildings or grids (``place``)."""
        ensure_viewer(
            principal,
            locale,
            community_id,
            building_id=place if scope == "building" else None,
            grid_id=place if scope == "grid" else None,
        )
        async with self.db.uow(read_only=True) as uow:
            if scope != "community":
                # a building or grid outside the community named is someone else's
                owner = await kpi_queries.place_community(uow, scope, place)
                if owner is not None and owner != community_id:
                    raise problem(
                        404,
                        "evaluation.place_not_found",
                        "该社区没有这个地点。",
                        "No such place in this community.",
                        locale,
                    )
            return await kpi_queries.values(uow, scope, place, period)

    async def by_service(
        self, principal: Principal, locale: str, kpi: str, community_id: str, period: Period
    ) -> dict[str, KpiValue]:
        ensure_viewer(principal, locale, community_id)
        async with self.db.uow(read_only=True) as uow:
            return await kpi_queries.by_service(uow, kpi, community_id, period)

    async def inputs(
        self, principal: Principal, locale: str, kpi: str, community_id: str, period: Period
    ) -> tuple[str, ...]:
        ensure_viewer(principal, locale, community_id)
        async with self.db.uow(read_only=True) as uow:
            return await kpi_queries.inputs(uow, kpi, community_id, period)
