"""Computing and storing the three indices of a community and month (method in
``data/methods``), and reading stored figures back as domain ``IndexFigure``s.

Survey part: the responses submitted in the period (local time) to the community's
surveys built on the index's shipped questionnaire, scored per dimension (ACSI). KPI part:
the community's KPI buckets of the period, with the event ids behind each. A figure is
stored with its method version and every leaf's inputs; computing again replaces the
figure of the same community, period, index and method version.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from datetime import datetime, time

from sqlalchemy import Text, cast, select
from sqlalchemy.dialects.postgresql import insert

from evaluation import kpi_queries
from evaluation.data import load_method_data, load_questionnaire
from evaluation.db.models import IndexFigureRow, ResponseRow, SurveyRow, utcnow
from evaluation.domain.indices import IndexFigure, KpiInput, Leaf, compute_index, parse_method
from evaluation.domain.indices.method import Method
from evaluation.domain.periods import LOCAL_TZ, Period, parse_period
from evaluation.domain.scoring import score_dimensions
from sc_core.db.uow import UnitOfWork

INDICES = ("gain", "security", "happiness")


def method(version: str) -> Method:
    return parse_method(load_method_data(version))


def bounds(period: Period) -> tuple[datetime, datetime]:
    return (
        datetime.combine(period.start, time(), LOCAL_TZ),
        datetime.combine(period.end, time(), LOCAL_TZ),
    )


async def answers_for(
    uow: UnitOfWork, community_id: str, index: str, period: Period
) -> list[tuple[int, str]]:
    """The period's responses to the community's surveys of ``index``: each response's id
    and its answers as JSON text (decoded with the scoring, off the event loop)."""
    start, end = bounds(period)
    rows = await uow.session.execute(
        select(ResponseRow.id, cast(ResponseRow.answers, Text))
        .join(SurveyRow, SurveyRow.id == ResponseRow.survey_id)
        .where(
            SurveyRow.community_id == community_id,
            SurveyRow.questionnaire == index,
            ResponseRow.submitted_at >= start,
            ResponseRow.submitted_at < end,
        )
    )
    return [(i, a) for i, a in rows.tuples()]


async def compute(
    uow: UnitOfWork, m: Method, community_id: str, period: Period
) -> list[IndexFigure]:
    """The community's three indices of ``period``, stored. The reads await the database;
    the scoring runs in a worker thread, so the requests the service answers meanwhile are
    not held for it (a community's month is thousands of responses and KPI events)."""
    values = await kpi_queries.values(uow, "community", community_id, period)
    codes = {code for index in INDICES for code in m.indices[index].kpis.items}
    ids = await kpi_queries.inputs_of(
        uow, [c for c in codes if values[c].stat.n], community_id, period
    )
    out = []
    for index in INDICES:
        answers = await answers_for(uow, community_id, index, period)
        kpis = {
            code: KpiInput(values[code].value, values[code].stat.n, ids.get(code, ()))
            for code in m.indices[index].kpis.items
        }
        figure = await asyncio.to_thread(_figure, m, index, community_id, period, answers, kpis)
        await store(uow, figure)
        out.append(figure)
    return out


def _figure(
    m: Method,
    index: str,
    community_id: str,
    period: Period,
    answers: list[tuple[int, str]],
    kpis: dict[str, KpiInput],
) -> IndexFigure:
    responses = {f"resp:{i}": json.loads(a) for i, a in answers}
    dims = score_dimensions(load_questionnaire(index).sections, responses)
    return compute_index(
        m, index, community_id, period, {d: s for (i, d), s in dims.items() if i == index}, kpis
    )


async def store(uow: UnitOfWork, f: IndexFigure) -> None:
    values = {
        "value": f.value,
        "coverage": f.coverage,
        "inputs_digest": f.inputs_digest,
        "leaves": [{**asdict(x), "inputs": list(x.inputs)} for x in f.leaves],
        "computed_at": utcnow(),
    }
    await uow.session.execute(
        insert(IndexFigureRow)
        .values(
            community_id=f.community_id,
            period=f.period.key,
            index=f.index,
            method_version=f.method_version,
            **values,
        )
        .on_conflict_do_update(
            index_elements=["community_id", "period", "index", "method_version"], set_=values
        )
    )


def figure_of(row: IndexFigureRow) -> IndexFigure:
    leaves = tuple(Leaf(**{**x, "inputs": tuple(x["inputs"])}) for x in row.leaves)
    return IndexFigure(
        row.index,
        row.community_id,
        parse_period(row.period),
        row.method_version,
        row.value,
        leaves,
        row.coverage,
        row.inputs_digest,
    )
