"""``/api/v1/evaluation/kpis``: service KPIs of a place and period, per service, and the
events behind a figure. Staff, managers, grid workers, officers and auditors of the place."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from evaluation.api.common import (
    CurrentPrincipal,
    Locale,
    OptionalPlaceId,
    UseCasesDep,
    community_of,
    period_or_problem,
    problem,
)
from evaluation.domain.kpis import KPIS, KpiValue
from evaluation.domain.report import OTHER_SERVICE, SERVICE_NAMES
from sc_core.api import Page, Paging

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation-kpis"])
PeriodKey = Annotated[str, Query(min_length=4, max_length=10, examples=["2026-11"])]


class KpiRead(BaseModel):
    code: str
    name: str
    definition: str
    unit: str  # seconds, rate, score, count
    better: str  # higher, lower
    available: bool  # False: the events do not carry what it needs yet
    value: float | None
    num: float
    den: float
    n: int


class ServiceKpiRead(BaseModel):
    service: str
    name: str
    value: float | None
    n: int


def _read(v: KpiValue, locale: str) -> KpiRead:
    k = KPIS[v.kpi]
    return KpiRead(
        code=k.code,
        name=k.name.get(locale),
        definition=k.definition.get(locale),
        unit=k.unit,
        better=k.better,
        available=k.available,
        value=v.value,
        num=v.stat.num,
        den=v.stat.den,
        n=v.stat.n,
    )


def _known(code: str, locale: str) -> None:
    if code not in KPIS:
        raise problem(
            404, "evaluation.kpi_not_found", "没有这项指标。", "No such indicator.", locale
        )


@router.get("/kpis", response_model=Page[KpiRead])
async def list_kpis(
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
    paging: Paging,
    period: PeriodKey,
    scope: Literal["community", "building", "grid"] = "community",
    scope_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    community_id: OptionalPlaceId = None,
) -> Page[KpiRead]:
    """Every KPI of a community (or one of its buildings or grids) in a period."""
    community_id = await community_of(principal, usecases, community_id)
    p = period_or_problem(period, locale)
    place = scope_id or community_id
    if scope != "community" and scope_id is None:
        raise problem(
            400,
            "evaluation.scope_id_missing",
            "按楼栋或网格查看时需要指定楼栋或网格。",
            "Name the building or grid to look at.",
            locale,
        )
    if scope == "community" and place != community_id:
        place = community_id
    found = await usecases.kpis.of_place(principal, locale, community_id, p, scope, place)
    rows = [_read(v, locale) for v in found.values()]
    window = rows[paging.offset : paging.offset + paging.limit]
    return Page[KpiRead].of(window, len(rows), paging)


@router.get("/kpis/{kpi}/services", response_model=Page[ServiceKpiRead])
async def kpi_by_service(
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
    paging: Paging,
    kpi: Annotated[str, Path(max_length=32)],
    period: PeriodKey,
    community_id: OptionalPlaceId = None,
) -> Page[ServiceKpiRead]:
    """One KPI per service (case type, alarm type, notification template), best first."""
    community_id = await community_of(principal, usecases, community_id)
    _known(kpi, locale)
    p = period_or_problem(period, locale)
    found = await usecases.kpis.by_service(principal, locale, kpi, community_id, p)
    lower = KPIS[kpi].better == "lower"
    rows = sorted(
        (
            ServiceKpiRead(
                service=code,
                name=SERVICE_NAMES.get(code, OTHER_SERVICE).get(locale),
                value=v.value,
                n=v.stat.n,
            )
            for code, v in found.items()
        ),
        key=lambda r: ((r.value or 0.0) if lower else -(r.value or 0.0), r.service),
    )
    window = rows[paging.offset : paging.offset + paging.limit]
    return Page[ServiceKpiRead].of(window, len(rows), paging)


@router.get("/kpis/{kpi}/inputs", response_model=Page[str])
async def kpi_inputs(
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
    paging: Paging,
    kpi: Annotated[str, Path(max_length=32)],
    period: PeriodKey,
    community_id: OptionalPlaceId = None,
) -> Page[str]:
    """The events (CloudEvents ids, sorted) behind a community's figure: every figure is
    traceable to what it was computed from."""
    community_id = await community_of(principal, usecases, community_id)
    _known(kpi, locale)
    p = period_or_problem(period, locale)
    ids = await usecases.kpis.inputs(principal, locale, kpi, community_id, p)
    return Page[str].of(list(ids[paging.offset : paging.offset + paging.limit]), len(ids), paging)
