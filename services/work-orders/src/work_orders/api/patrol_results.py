"""Patrol results: how the closed rounds of a community went, for its residents (places
missed, never the patroller)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from work_orders.api import views
from work_orders.api.deps import PatrolsDep
from work_orders.api.schemas.patrols import RoundResult

router = APIRouter(prefix="/api/v1/patrol-results", tags=["patrols"])


@router.get(
    "", response_model=Page[RoundResult], summary="Closed rounds of a community (for residents)"
)
async def results(
    who: CurrentCaller,
    patrols: PatrolsDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> Page[RoundResult]:
    found, total = await patrols.results(who, community_id, paging)
    return Page[RoundResult].of([views.result(v) for v in found], total, paging)
