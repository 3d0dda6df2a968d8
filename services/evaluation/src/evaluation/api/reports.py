"""``/api/v1/evaluation/reports/{month}``: a community's monthly report (the indices with
their change and what moved them, a year's trend, the KPIs beside last month's, the best
and worst services, residents' comments by theme), as JSON for the console or as a PDF."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel

from evaluation.adapters.pdf import render_pdf
from evaluation.api.common import (
    CurrentPrincipal,
    Locale,
    OptionalPlaceId,
    UseCasesDep,
    community_of,
)
from evaluation.api.indices import leaf_name
from evaluation.domain.report import INDEX_NAMES, MonthlyReport

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation-reports"])


class TrendPointRead(BaseModel):
    period: str
    value: float | None


class IndexLine(BaseModel):
    name: str
    value: float | None
    change: float | None
    moved_most_by: str | None
    trend: list[TrendPointRead]


class KpiLine(BaseModel):
    name: str
    unit: Literal["seconds", "rate", "score", "count"]  # how to show value and previous
    better: Literal["higher", "lower"]
    value: float | None
    previous: float | None
    n: int


class ServiceLine(BaseModel):
    name: str
    rating_mean: float
    ratings: int


class ThemeLine(BaseModel):
    name: str
    count: int
    positive: int
    negative: int
    examples: list[str]


class ReportRead(BaseModel):
    community_name: str
    period: str
    period_label: str
    method_version: str
    indices: list[IndexLine]
    kpis: list[KpiLine]
    best_services: list[ServiceLine]
    worst_services: list[ServiceLine]
    themes: list[ThemeLine]
    responses: dict[str, int]


def _read(r: MonthlyReport, locale: str) -> ReportRead:
    return ReportRead(
        community_name=r.community_name,
        period=r.period.key,
        period_label=r.period.label(locale),
        method_version=r.method_version,
        indices=[
            IndexLine(
                name=_index_name(s.figure.index, locale),
                value=s.figure.value,
                change=s.change,
                moved_most_by=(
                    leaf_name(s.top_move.kind, s.top_move.code, s.figure.index, locale)
                    if s.top_move
                    else None
                ),
                trend=[TrendPointRead(period=p.period_key, value=p.value) for p in s.history],
            )
            for s in r.indices
        ],
        kpis=[
            KpiLine(
                name=k.kpi.name.get(locale),
                unit=k.kpi.unit,
                better=k.kpi.better,
                value=k.value,
                previous=k.previous,
                n=k.n,
            )
            for k in r.kpis
        ],
        best_services=[
            ServiceLine(name=x.name.get(locale), rating_mean=x.rating_mean, ratings=x.ratings)
            for x in r.best_services
        ],
        worst_services=[
            ServiceLine(name=x.name.get(locale), rating_mean=x.rating_mean, ratings=x.ratings)
            for x in r.worst_services
        ],
        themes=[
            ThemeLine(
                name=t.name.get(locale),
                count=t.count,
                positive=t.positive,
                negative=t.negative,
                examples=t.examples,
            )
            for t in r.themes
        ],
        responses=r.responses,
    )


def _index_name(code: str, locale: str) -> str:
    return INDEX_NAMES[code].get(locale)


@router.get(
    "/reports/{period}",
    response_model=ReportRead,
    responses={200: {"content": {"application/pdf": {}}}},
)
async def monthly_report(
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
    period: Annotated[str, Path(max_length=7, examples=["2026-11"])],
    community_name: Annotated[
        str | None,
        Query(max_length=100, description="How people name the community (幸福里社区)"),
    ] = None,
    format: Literal["json", "pdf"] = "json",
    community_id: OptionalPlaceId = None,
) -> Any:
    """The month's report of a community, JSON or PDF (``format=pdf``)."""
    community_id = await community_of(principal, usecases, community_id)
    p, report = await usecases.reports.monthly(
        principal, locale, community_id, community_name, period
    )
    if format == "pdf":
        pdf = await asyncio.to_thread(render_pdf, report, locale)
        filename = f"evaluation-{p.key}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return _read(report, locale)
