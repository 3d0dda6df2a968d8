"""``/api/v1/evaluation/indices``: the three indices (获得感, 安全感, 幸福感) of a community
and month, computed by the method version configured, stored with every leaf's inputs;
trends, the drill-down to the leaf that moved an index, and communities side by side for
a district officer."""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import Row

from evaluation.api.common import (
    DEFAULTED,
    MANAGER_ROLES,
    PLACE_ID,
    CurrentPrincipal,
    Locale,
    OptionalPlaceId,
    UseCasesDep,
    community_of,
)
from evaluation.api.results import dimension_names
from evaluation.domain.indices import IndexFigure, explain_change
from evaluation.domain.kpis import KPIS
from evaluation.domain.periods import parse_period
from evaluation.domain.report import INDEX_NAMES
from sc_core.api import Page, Paging, page_json

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation-indices"])
IndexCode = Literal["gain", "security", "happiness"]


class ComputeRequest(BaseModel):
    community_id: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=PLACE_ID, description=DEFAULTED
    )
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
    community_name: str | None = Field(
        default=None,
        description="The community as people say it, in the reader's language (幸福里社区); "
        "null while identity has not named it.",
    )
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


@functools.lru_cache(maxsize=256)
def _period(key: str, locale: str) -> tuple[str, str]:
    """A stored period's key and how a person names it in ``locale`` (2026年11月)."""
    p = parse_period(key)
    return p.key, p.label(locale)


def _number(x: float | None) -> float | None:
    return None if x is None else float(x)


def figure_item(row: Row[Any], locale: str) -> dict[str, Any]:
    """A listed figure (a row of ``usecases.indices.LISTED``) as ``FigureRead``'s fields,
    straight from the stored leaves: what :func:`read_figure` makes of the same figure
    without building the domain figure and a model per leaf (held to it by
    ``test_survey_answers_and_the_index_they_make``)."""
    index: str = row._mapping["index"]  # a column named like Row.index, the tuple method
    period, label = _period(row.period, locale)
    leaves = []
    for x in row.leaves:
        score = _number(x["score"])
        effective = float(x["effective_weight"])
        leaves.append(
            {
                "kind": x["kind"],
                "code": x["code"],
                "name": leaf_name(x["kind"], x["code"], index, locale),
                "raw": _number(x["raw"]),
                "n": x["n"],
                "score": score,
                "weight": float(x["weight"]),
                "effective_weight": effective,
                "points": 0.0 if score is None else score * effective,  # Leaf.points
                "status": x["status"],
                "inputs": len(x["inputs"]),
            }
        )
    return {
        "index": index,
        "name": INDEX_NAMES[index].get(locale),
        "community_id": row.community_id,
        "period": period,
        "period_label": label,
        "method_version": row.method_version,
        "value": _number(row.value),
        "coverage": float(row.coverage),
        "inputs_digest": row.inputs_digest,
        "leaves": leaves,
    }


@router.post("/indices/compute", response_model=FigureSet)
async def compute_indices(
    body: ComputeRequest,
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
) -> FigureSet:
    """Compute (again) and publish the month's three indices of a community."""
    indices = usecases.indices
    community_id = await community_of(principal, usecases, body.community_id, MANAGER_ROLES)
    period, result = await indices.compute(principal, locale, community_id, body.period)
    return FigureSet(
        community_id=community_id,
        period=period.key,
        method_version=indices.version,
        figures=[read_figure(f, locale) for f in result],
    )


@router.get("/indices", response_model=Page[FigureRead])
async def list_indices(
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
    paging: Paging,
    index: IndexCode | None = None,
    period: Annotated[str | None, Query(max_length=7)] = None,
    community_id: OptionalPlaceId = None,
) -> Response:
    """Published figures of a community, newest month first (a trend when ``index`` is
    given)."""
    community_id = await community_of(principal, usecases, community_id)
    rows, total = await usecases.indices.published(
        principal, locale, community_id, index, period, paging
    )
    body = page_json([figure_item(r, locale) for r in rows], total, paging)
    return Response(body, media_type="application/json")


@router.get("/indices/{index}/explain", response_model=Explanation)
async def explain_index(
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
    index: Annotated[IndexCode, Path()],
    period: Annotated[str, Query(max_length=7)],
    community_id: OptionalPlaceId = None,
) -> Explanation:
    """What moved the index since the month before: each leaf's change in points (they add
    up to the index's change), biggest first."""
    community_id = await community_of(principal, usecases, community_id)
    p, before, after = await usecases.indices.pair(principal, locale, community_id, index, period)
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
    principal: CurrentPrincipal,
    usecases: UseCasesDep,
    locale: Locale,
    paging: Paging,
    index: Annotated[IndexCode, Path()],
    period: Annotated[str, Query(max_length=7)],
) -> Page[StandingRead]:
    """Every community the caller may see, ranked on one index and month (figures with
    under half their weight measured are left out)."""
    standings, names = await usecases.indices.standings(principal, locale, index, period)
    window = standings[paging.offset : paging.offset + paging.limit]
    return Page[StandingRead].of(
        [StandingRead(**s.__dict__, community_name=names[s.community_id]) for s in window],
        len(standings),
        paging,
    )


__all__ = ["read_figure", "router"]
