"""Patrols (6.3 h): routes of QR checkpoints, scheduled rounds, scans with time and place,
and round results residents may read (no staff personal data).

Patrol routes: QR checkpoints in order, set by managers, read by staff. (The first
paragraph is the tag's description in the OpenAPI, shared with the rounds and results.)"""

from __future__ import annotations

from fastapi import APIRouter

from sc_core.api import Page, Paging
from work_orders.api import views
from work_orders.api.deps import Manager, PatrolsDep, Staff
from work_orders.api.schemas.patrols import RouteCreate, RouteRead

router = APIRouter(prefix="/api/v1/patrol-routes", tags=["patrols"])


@router.post("", status_code=201, response_model=RouteRead, summary="A route of QR checkpoints")
async def create_route(body: RouteCreate, who: Manager, patrols: PatrolsDep) -> RouteRead:
    return views.route(await patrols.create_route(who, body))


@router.get("", response_model=Page[RouteRead], summary="Patrol routes in my scope")
async def list_routes(who: Staff, patrols: PatrolsDep, paging: Paging) -> Page[RouteRead]:
    found, total = await patrols.routes(who, paging)
    return Page[RouteRead].of([views.route(v) for v in found], total, paging)
