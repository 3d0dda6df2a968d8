"""``/api/v1/evaluation/indices``: the three indices (获得感, 安全感, 幸福感) of a community
and month, computed by the method version configured, stored with every leaf's inputs;
trends, the drill-down to the leaf that moved an index, and communities side by side for
a district officer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from evaluation import figures
from evaluation.api.common import (
    MANAGER_ROLES,
    VIEWER_ROLES,
    CurrentPrincipal,
    Locale,
    ensure_viewer,
    period_or_problem,
    problem,
)
from evaluation.api.surveys import dimension_names
from evaluation.db.models import IndexFigureRow
from evaluation.domain.indices import IndexFigure, compare, explain_change
from evaluation.domain.kpis import KPIS
from evaluation.domain.periods import Granularity, Period
from evaluation.domain.report import INDEX_NAMES
from sc_core.api import Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth.scope import scope_clause

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation-indices"])
PlaceId = Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
IndexCode = Literal["gain", "security", "happiness"]


class ComputeRequest(BaseModel):
    community_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
    period: str = Field(min_length=7, max_length=7, examples=["2026-11"])


class LeafRead(BaseModel):
    kind: Literal["survey", "kpi"]
    code: str
    name: str
    raw: float | None
    n: int
    score: float | None
    weight: float
    effective_weight: float
    points: float
    status: str  # ok, no_data, insufficient, unavailable
    inputs: int  # how many responses or events; GET .../kpis/{kpi}/inputs lists the events


class FigureRead(BaseModel):
    index: str
    name: str
    community_id: str
    period: str
    period_label: str
    method_version: str
    value: float | None
    coverage: float
    inputs_digest: str
    leaves: list[LeafRead]


class FigureSet(BaseModel):
    community_id: str
    period: str
    method_version: str
    figures: list[FigureRead]


class MoveRead(BaseModel):
    kind: str
    code: str
    name: str
    points: float
    score_before: float | None
    score_after: float | None


class Explanation(BaseModel):
    index: str
    period: str
    previous_period: str
    value: float | None
    previous_value: float | None
    moves: list[MoveRead]


class StandingRead(BaseModel):
    community_id: str
    value: float
    rank: int
    versus_mean: float


def leaf_name(kind: str, code: str, index: str, locale: str) -> str:
    if kind == "kpi":
        return KPIS[code].name.get(locale) if code in KPIS else code
    return dimension_names(locale).get((index, code), code)


def read_figure(f: IndexFigure, locale: str) -> FigureRead:
    return FigureRead(
        index=f.index,
        name=INDEX_NAMES[f.index].get(locale),
        community_id=f.community_id,
        period=f.period.key,
        period_label=f.period.label(locale),
        method_version=f.method_version,
        value=f.value,
        coverage=f.coverage,
        inputs_digest=f.inputs_digest,
        leaves=[
            LeafRead(
                kind=x.kind,
                code=x.code,
                name=leaf_name(x.kind, x.code, f.index, locale),
                raw=x.raw,
                n=x.n,
                score=x.score,
                weight=x.weight,
                effective_weight=x.effective_weight,
                points=x.points,
                status=x.status,
                inputs=len(x.inputs),
            )
            for x in f.leaves
        ],
    )


def _month(key: str, locale: str) -> Period:
    p = period_or_problem(key, locale)
    if p.granularity is not Granularity.MONTH:
        raise problem(
            400,
            "evaluation.month_expected",
            "指数按月计算，请给出月份，例如 2026-11。",
            "Indices are computed per month: give a month such as 2026-11.",
            locale,
        )
    return p


@router.post("/indices/compute", response_model=FigureSet)
async def compute_indices(
    body: ComputeRequest,
    request: Request,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    locale: Locale,
) -> FigureSet:
    """Compute (again) and publish the month's three indices of a community."""
    ensure_viewer(principal, locale, body.community_id, roles=MANAGER_ROLES)
    period = _month(body.period, locale)
    version = request.app.state.settings.index_method
    result = await figures.compute(uow, figures.method(version), body.community_id, period)
    await uow.commit()
    return FigureSet(
        community_id=body.community_id,
        period=period.key,
        method_version=version,
        figures=[read_figure(f, locale) for f in result],
    )


@router.get("/indices", response_model=Page[FigureRead])
async def list_indices(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    locale: Locale,
    paging: Paging,
    community_id: PlaceId,
    index: IndexCode | None = None,
    period: Annotated[str | None, Query(max_length=7)] = None,
) -> Page[FigureRead]:
    """Published figures of a community, newest month first (a trend when ``index`` is
    given)."""
    ensure_viewer(principal, locale, community_id)
    query = select(IndexFigureRow).where(IndexFigureRow.community_id == community_id)
    if index is not None:
        query = query.where(IndexFigureRow.index == index)
    if period is not None:
        query = query.where(IndexFigureRow.period == _month(period, locale).key)
    query = query.order_by(
        IndexFigureRow.community_id, IndexFigureRow.period.desc(), IndexFigureRow.id
    )
    rows, total = await fetch_page(uow.session, query, paging)
    return Page[FigureRead].of(
        [read_figure(figures.figure_of(r), locale) for r in rows], total, paging
    )


async def _figure(
    uow: UnitOfWorkDep, community_id: str, index: str, period: Period, version: str
) -> IndexFigure | None:
    row = await uow.session.scalar(
        select(IndexFigureRow).where(
            IndexFigureRow.community_id == community_id,
            IndexFigureRow.index == index,
            IndexFigureRow.period == period.key,
            IndexFigureRow.method_version == version,
        )
    )
    return figures.figure_of(row) if row is not None else None


@router.get("/indices/{index}/explain", response_model=Explanation)
async def explain_index(
    request: Request,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    locale: Locale,
    index: Annotated[IndexCode, Path()],
    community_id: PlaceId,
    period: Annotated[str, Query(max_length=7)],
) -> Explanation:
    """What moved the index since the month before: each leaf's change in points (they add
    up to the index's change), biggest first."""
    ensure_viewer(principal, locale, community_id)
    p = _month(period, locale)
    version = request.app.state.settings.index_method
    after = await _figure(uow, community_id, index, p, version)
    before = await _figure(uow, community_id, index, p.previous(), version)
    if after is None or before is None:
        raise problem(
            404,
            "evaluation.figure_not_found",
            "该月或上月的指数尚未计算。",
            "The index of this month or of the month before has not been computed.",
            locale,
        )
    moves = explain_change(before, after)
    return Explanation(
        index=index,
        period=p.key,
        previous_period=p.previous().key,
        value=after.value,
        previous_value=before.value,
        moves=[
            MoveRead(
                kind=m.kind,
                code=m.code,
                name=leaf_name(m.kind, m.code, index, locale),
                points=m.points,
                score_before=m.score_before,
                score_after=m.score_after,
            )
            for m in moves
        ],
    )


@router.get("/indices/{index}/comparison", response_model=Page[StandingRead])
async def compare_communities(
    request: Request,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    locale: Locale,
    paging: Paging,
    index: Annotated[IndexCode, Path()],
    period: Annotated[str, Query(max_length=7)],
) -> Page[StandingRead]:
    """Every community the caller may see, ranked on one index and month (figures with
    under half their weight measured are left out)."""
    p = _month(period, locale)
    version = request.app.state.settings.index_method
    rows = await uow.session.scalars(
        select(IndexFigureRow).where(
            IndexFigureRow.index == index,
            IndexFigureRow.period == p.key,
            IndexFigureRow.method_version == version,
            scope_clause(principal, community_col=IndexFigureRow.community_id, roles=VIEWER_ROLES),
        )
    )
    standings = compare([figures.figure_of(r) for r in rows])
    window = standings[paging.offset : paging.offset + paging.limit]
    return Page[StandingRead].of(
        [StandingRead(**s.__dict__) for s in window], len(standings), paging
    )


__all__ = ["read_figure", "router"]
