"""Patrol rounds: scheduled by managers on a route for one patroller and a time window;
the patroller records the checkpoints scanned (time and position)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from sc_core.api import Page, Paging
from work_orders.api import views
from work_orders.api.deps import Manager, PatrolsDep, Staff
from work_orders.api.schemas.patrols import RoundCreate, RoundRead, ScanCreate

router = APIRouter(prefix="/api/v1/patrol-rounds", tags=["patrols"])


@router.post("", status_code=201, response_model=RoundRead, summary="Schedule a round")
async def create_round(body: RoundCreate, who: Manager, patrols: PatrolsDep) -> RoundRead:
    return views.patrol_round(await patrols.create_round(who, body))


@router.get("", response_model=Page[RoundRead], summary="Rounds in my scope")
async def list_rounds(
    who: Staff,
    patrols: PatrolsDep,
    paging: Paging,
    status: Annotated[str | None, Query(max_length=16)] = None,
    assignee: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[RoundRead]:
    found, total = await patrols.rounds(who, paging, status=status, assignee=assignee)
    return Page[RoundRead].of([views.patrol_round(v) for v in found], total, paging)


@router.post(
    "/{round_id}/scans",
    status_code=201,
    response_model=RoundRead,
    summary="Record a checkpoint scan",
)
async def scan(round_id: uuid.UUID, body: ScanCreate, who: Staff, patrols: PatrolsDep) -> RoundRead:
    return views.patrol_round(await patrols.scan(who, round_id, body))
