"""A community's monthly report (the indices with their change and what moved them, a
year's trend, the KPIs beside last month's, the best and worst services, residents'
comments by theme), read in one read-only unit of work behind the viewer's scope check."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from evaluation import figures, kpi_queries
from evaluation.db.models import IndexFigureRow, KpiFact, ResponseRow, SurveyRow
from evaluation.domain.periods import Granularity, Period
from evaluation.domain.report import MonthlyReport, build_monthly_report
from evaluation.domain.surveys import QuestionKind, Survey
from evaluation.domain.themes import summarise
from evaluation.usecases import places
from evaluation.usecases.access import ensure_viewer, period_or_problem, problem
from sc_core.auth.principal import Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork


class Reports:
    def __init__(self, db: Database, version: str) -> None:
        self.db = db
        self.version = version  # the index method's version (INDEX_METHOD)

    async def monthly(
        self,
        principal: Principal,
        locale: str,
        community_id: str,
        community_name: str | None,
        period: str,
    ) -> tuple[Period, MonthlyReport]:
        """The month's report; the community named as the caller asks, else as identity
        named it (the place directory), else 本社区 / The community."""
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
        async with self.db.uow(read_only=True) as uow:
            name = community_name or await places.community_name(uow, community_id, locale)
            if name is None:
                name = "The community" if locale == "en" else "本社区"
            return p, await build(uow, community_id, name, p, self.version)


async def _comments(uow: UnitOfWork, community_id: str, period: Period) -> list[str]:
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
    uow: UnitOfWork, community_id: str, community_name: str, period: Period, version: str
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
