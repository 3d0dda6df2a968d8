"""``/api/v1/evaluation/reports/{month}``: a community's monthly report (the indices with
their change and what moved them, a year's trend, the KPIs beside last month's, the best
and worst services, residents' comments by theme), as JSON for the console or as a PDF."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel
from sqlalchemy import select

from evaluation import figures, kpi_queries
from evaluation.adapters.pdf import render_pdf
from evaluation.api.common import (
    CurrentPrincipal,
    Locale,
    ensure_viewer,
    period_or_problem,
    problem,
)
from evaluation.api.indices import leaf_name
from evaluation.db.models import IndexFigureRow, KpiFact, ResponseRow, SurveyRow
from evaluation.domain.periods import Granularity, Period
from evaluation.domain.report import INDEX_NAMES, MonthlyReport, build_monthly_report
from evaluation.domain.surveys import QuestionKind, Survey
from evaluation.domain.themes import summarise
from sc_core.api import UnitOfWorkDep

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation-reports"])
PlaceId = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


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


async def _comments(uow: UnitOfWorkDep, community_id: str, period: Period) -> list[str]:
    start, end = figures.bounds(period)
    out: list[str] = []
    ratings = await uow.session.scalars(
        select(KpiFact.data).where(
            KpiFact.community_id == community_id,
            KpiFact.kind == "WorkOrderRating",
            KpiFact.at >= start,
            KpiFact.at < end,
        )
    )
    out += [str(d["comment"]) for d in ratings if d.get("comment")]
    rows = await uow.session.execute(
        select(SurveyRow.definition, ResponseRow.answers)
        .join(SurveyRow, SurveyRow.id == ResponseRow.survey_id)
        .where(
            ResponseRow.community_id == community_id,
            ResponseRow.submitted_at >= start,
            ResponseRow.submitted_at < end,
        )
    )
    open_ids: dict[str, set[str]] = {}
    for definition, answers in rows.all():
        key = str(definition.get("code")) + str(definition.get("version"))
        if key not in open_ids:
            survey = Survey.model_validate(definition)
            open_ids[key] = {q.id for _, q in survey.questions() if q.kind is QuestionKind.OPEN}
        out += [str(answers[q]) for q in open_ids[key] if answers.get(q)]
    return out


async def build(
    uow: UnitOfWorkDep, community_id: str, community_name: str, period: Period, version: str
) -> MonthlyReport:
    first = period
    for _ in range(11):
        first = first.previous()
    rows = await uow.session.scalars(
        select(IndexFigureRow).where(
            IndexFigureRow.community_id == community_id,
            IndexFigureRow.method_version == version,
            IndexFigureRow.period >= first.key,
            IndexFigureRow.period <= period.key,
        )
    )
    by_index: dict[str, list[Any]] = {}
    for row in rows:
        if len(row.period) == 7 and "Q" not in row.period:  # months only
            by_index.setdefault(row.index, []).append(figures.figure_of(row))
    now = await kpi_queries.values(uow, "community", community_id, period)
    before = await kpi_queries.values(uow, "community", community_id, period.previous())
    start, end = figures.bounds(period)
    counts: dict[str, int] = {}
    for (code,) in (
        await uow.session.execute(
            select(SurveyRow.questionnaire)
            .join(ResponseRow, ResponseRow.survey_id == SurveyRow.id)
            .where(
                SurveyRow.community_id == community_id,
                SurveyRow.questionnaire.is_not(None),
                ResponseRow.submitted_at >= start,
                ResponseRow.submitted_at < end,
            )
        )
    ).all():
        counts[code] = counts.get(code, 0) + 1
    return build_monthly_report(
        community_name=community_name,
        period=period,
        generated_at=datetime.now(UTC),
        figures=by_index,
        kpis={code: (now[code], before[code]) for code in now},
        ratings_by_service=await kpi_queries.by_service(
            uow, "wo.rating_mean", community_id, period
        ),
        themes=summarise(await _comments(uow, community_id, period)),
        responses=counts,
    )


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
            KpiLine(name=k.kpi.name.get(locale), value=k.value, previous=k.previous, n=k.n)
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
    request: Request,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    locale: Locale,
    period: Annotated[str, Path(max_length=7, examples=["2026-11"])],
    community_id: PlaceId,
    community_name: Annotated[
        str | None,
        Query(max_length=100, description="How people name the community (幸福里社区)"),
    ] = None,
    format: Literal["json", "pdf"] = "json",
) -> Any:
    """The month's report of a community, JSON or PDF (``format=pdf``)."""
    ensure_viewer(principal, locale, community_id)
    p = period_or_problem(period, locale)
    if p.granularity is not Granularity.MONTH:
        raise problem(
            400,
            "evaluation.month_expected",
            "月度报告请给出月份，例如 2026-11。",
            "The monthly report needs a month such as 2026-11.",
            locale,
        )
    name = community_name or ("本社区" if locale != "en" else "The community")
    version = request.app.state.settings.index_method
    report = await build(uow, community_id, name, p, version)
    if format == "pdf":
        pdf = await asyncio.to_thread(render_pdf, report, locale)
        filename = f"evaluation-{p.key}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return _read(report, locale)
