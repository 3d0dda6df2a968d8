"""Patrols (6.3 h): routes of QR checkpoints, scheduled rounds, scans with time and place,
and round results residents may read (no staff personal data)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select

from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import (
    CurrentPrincipal,
    Principal,
    ensure_in_scope,
    in_scope,
    require_roles,
    scope_clause,
)
from sc_core.errors import Conflict, NotFound, Problem
from work_orders.api.schemas import PRINTABLE, Ident, Latitude, Longitude, PlaceId
from work_orders.db.models import PatrolCheckpoint, PatrolRound, PatrolRoute, PatrolScan
from work_orders.domain.states import MANAGER_ROLES, RESIDENT_ROLES, STAFF_ROLES

router = APIRouter(prefix="/api/v1", tags=["patrols"])
Manager = Annotated[Principal, Depends(require_roles(*sorted(MANAGER_ROLES)))]
Staff = Annotated[Principal, Depends(require_roles(*sorted(STAFF_ROLES)))]


class CheckpointIn(BaseModel):
    code: Ident = Field(description="What the QR code holds")
    place: str = Field(min_length=1, max_length=100, pattern=PRINTABLE)
    longitude: Longitude | None = None
    latitude: Latitude | None = None


class RouteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    community_id: PlaceId
    name: str = Field(min_length=1, max_length=100, pattern=PRINTABLE)
    max_gap_minutes: int | None = Field(default=None, ge=1, le=24 * 60)
    checkpoints: list[CheckpointIn] = Field(min_length=1, max_length=100)

    @model_validator(mode="after")
    def _unique_codes(self) -> RouteCreate:
        codes = [c.code for c in self.checkpoints]
        if len(set(codes)) != len(codes):
            raise ValueError("checkpoint codes must be unique on a route")
        return self


class CheckpointRead(CheckpointIn):
    position: int


class RouteRead(BaseModel):
    id: uuid.UUID
    community_id: str
    name: str
    max_gap_minutes: int | None
    checkpoints: list[CheckpointRead]


class RoundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    route_id: uuid.UUID
    assignee_id: str = Field(min_length=1, max_length=64)
    window_start: AwareDatetime
    window_end: AwareDatetime

    @model_validator(mode="after")
    def _window(self) -> RoundCreate:
        if self.window_end <= self.window_start:
            raise ValueError("window_end must be after window_start")
        return self


class RoundRead(BaseModel):
    id: uuid.UUID
    route_id: uuid.UUID
    community_id: str
    assignee_id: str
    window_start: datetime
    window_end: datetime
    status: str
    scanned_codes: list[str]
    missed_codes: list[str]
    longest_gap_minutes: int | None
    work_order_id: uuid.UUID | None


class ScanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: Ident
    scanned_at: AwareDatetime | None = None
    longitude: Longitude | None = None
    latitude: Latitude | None = None


class RoundResult(BaseModel):
    """What residents see: no patroller, only how the round went."""

    route_name: str
    window_start: datetime
    window_end: datetime
    status: str
    checkpoints: int
    visited: int
    missed_places: list[str]


async def _route(uow: Any, route_id: uuid.UUID) -> tuple[PatrolRoute, list[PatrolCheckpoint]]:
    route = await uow.session.get(PatrolRoute, route_id)
    if route is None:
        raise NotFound("patrol.route_not_found", "No such patrol route")
    cps = (
        await uow.session.scalars(
            select(PatrolCheckpoint)
            .where(PatrolCheckpoint.route_id == route_id)
            .order_by(PatrolCheckpoint.position)
        )
    ).all()
    return route, list(cps)


def _route_read(route: PatrolRoute, cps: list[PatrolCheckpoint]) -> RouteRead:
    return RouteRead(
        id=route.id,
        community_id=route.community_id,
        name=route.name,
        max_gap_minutes=route.max_gap_minutes,
        checkpoints=[
            CheckpointRead(
                code=c.code,
                place=c.place,
                longitude=c.longitude,
                latitude=c.latitude,
                position=c.position,
            )
            for c in cps
        ],
    )


@router.post(
    "/patrol-routes", status_code=201, response_model=RouteRead, summary="A route of QR checkpoints"
)
async def create_route(
    body: RouteCreate, principal: Manager, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> RouteRead:
    ensure_in_scope(principal, community_id=body.community_id, roles=MANAGER_ROLES)
    route = PatrolRoute(
        id=uuid.uuid4(),
        community_id=body.community_id,
        name=body.name,
        max_gap_minutes=body.max_gap_minutes,
        created_at=datetime.now(UTC),
    )
    uow.session.add(route)
    await uow.session.flush()
    cps = []
    for i, c in enumerate(body.checkpoints, start=1):
        cp = PatrolCheckpoint(
            id=uuid.uuid4(),
            route_id=route.id,
            code=c.code,
            place=c.place,
            position=i,
            longitude=c.longitude,
            latitude=c.latitude,
        )
        uow.session.add(cp)
        cps.append(cp)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="patrol_route.create",
        resource_type="patrol_route",
        resource_id=str(route.id),
        principal=principal,
        request=request,
        community_id=route.community_id,
    )
    await uow.commit()
    return _route_read(route, cps)


@router.get("/patrol-routes", response_model=Page[RouteRead], summary="Patrol routes in my scope")
async def list_routes(principal: Staff, uow: UnitOfWorkDep, paging: Paging) -> Page[RouteRead]:
    query = (
        select(PatrolRoute)
        .where(scope_clause(principal, community_col=PatrolRoute.community_id, roles=STAFF_ROLES))
        .order_by(PatrolRoute.created_at.desc(), PatrolRoute.id)
    )
    rows, total = await fetch_page(uow.session, query, paging)
    out = [_route_read(*(await _route(uow, r.id))) for r in rows]
    return Page[RouteRead].of(out, total, paging)


async def _round_read(uow: Any, rnd: PatrolRound) -> RoundRead:
    codes = (
        await uow.session.scalars(
            select(PatrolCheckpoint.code)
            .join(PatrolScan, PatrolScan.checkpoint_id == PatrolCheckpoint.id)
            .where(PatrolScan.round_id == rnd.id)
            .distinct()
        )
    ).all()
    return RoundRead(
        id=rnd.id,
        route_id=rnd.route_id,
        community_id=rnd.community_id,
        assignee_id=rnd.assignee_id,
        window_start=rnd.window_start,
        window_end=rnd.window_end,
        status=rnd.status,
        scanned_codes=sorted(codes),
        missed_codes=rnd.missed_codes or [],
        longest_gap_minutes=rnd.longest_gap_minutes,
        work_order_id=rnd.work_order_id,
    )


@router.post(
    "/patrol-rounds", status_code=201, response_model=RoundRead, summary="Schedule a round"
)
async def create_round(
    body: RoundCreate, principal: Manager, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> RoundRead:
    route, _ = await _route(uow, body.route_id)
    ensure_in_scope(principal, community_id=route.community_id, roles=MANAGER_ROLES)
    rnd = PatrolRound(
        id=uuid.uuid4(),
        route_id=route.id,
        community_id=route.community_id,
        assignee_id=body.assignee_id,
        window_start=body.window_start,
        window_end=body.window_end,
        status="scheduled",
        missed_codes=[],
        created_at=datetime.now(UTC),
    )
    uow.session.add(rnd)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="patrol_round.create",
        resource_type="patrol_round",
        resource_id=str(rnd.id),
        principal=principal,
        request=request,
        community_id=rnd.community_id,
    )
    await uow.commit()
    return await _round_read(uow, rnd)


@router.get("/patrol-rounds", response_model=Page[RoundRead], summary="Rounds in my scope")
async def list_rounds(
    principal: Staff,
    uow: UnitOfWorkDep,
    paging: Paging,
    status: Annotated[str | None, Query(max_length=16)] = None,
    assignee: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[RoundRead]:
    query = select(PatrolRound).where(
        scope_clause(principal, community_col=PatrolRound.community_id, roles=STAFF_ROLES)
    )
    if status:
        query = query.where(PatrolRound.status == status)
    if assignee:
        query = query.where(
            PatrolRound.assignee_id == (principal.subject if assignee == "me" else assignee)
        )
    query = query.order_by(PatrolRound.window_start.desc(), PatrolRound.id)
    rows, total = await fetch_page(uow.session, query, paging)
    return Page[RoundRead].of([await _round_read(uow, r) for r in rows], total, paging)


@router.post(
    "/patrol-rounds/{round_id}/scans",
    status_code=201,
    response_model=RoundRead,
    summary="Record a checkpoint scan",
)
async def scan(
    round_id: uuid.UUID,
    body: ScanCreate,
    principal: Staff,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> RoundRead:
    rnd = await uow.session.scalar(
        select(PatrolRound).where(PatrolRound.id == round_id).with_for_update()
    )
    if rnd is None or not in_scope(principal, community_id=rnd.community_id, roles=STAFF_ROLES):
        raise NotFound("patrol.round_not_found", "No such patrol round")
    if rnd.assignee_id != principal.subject and not principal.has_role(*MANAGER_ROLES):
        raise Problem(403, "patrol.not_your_round", "Only the round's patroller scans on it")
    if rnd.status != "scheduled":
        raise Conflict("patrol.round_closed", "The round is closed")
    at = body.scanned_at or datetime.now(UTC)
    if not rnd.window_start <= at <= rnd.window_end:
        raise Conflict("patrol.outside_window", "The scan is outside the round's window")
    cp = await uow.session.scalar(
        select(PatrolCheckpoint).where(
            PatrolCheckpoint.route_id == rnd.route_id, PatrolCheckpoint.code == body.code
        )
    )
    if cp is None:
        raise Problem(
            422, "patrol.unknown_checkpoint", "That code is not a checkpoint of this route"
        )
    uow.session.add(
        PatrolScan(
            id=uuid.uuid4(),
            round_id=rnd.id,
            checkpoint_id=cp.id,
            scanned_by=principal.subject,
            scanned_at=at,
            longitude=body.longitude,
            latitude=body.latitude,
            created_at=datetime.now(UTC),
        )
    )
    await uow.session.flush()
    await auditor.within(
        uow,
        action="patrol.scan",
        resource_type="patrol_round",
        resource_id=str(rnd.id),
        principal=principal,
        request=request,
        community_id=rnd.community_id,
        detail={"code": body.code},
    )
    await uow.commit()
    return await _round_read(uow, rnd)


@router.get(
    "/patrol-results",
    response_model=Page[RoundResult],
    summary="Closed rounds of a community (for residents)",
)
async def results(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> Page[RoundResult]:
    # Household grants do not name their community, so any resident may read a community's
    # summaries; they hold no personal data (no patroller, no times of single scans).
    if not (principal.has_role(*RESIDENT_ROLES) or in_scope(principal, community_id=community_id)):
        raise Problem(
            403, "auth.forbidden", "Residents and staff of the community read patrol results"
        )
    query = (
        select(PatrolRound, PatrolRoute.name)
        .join(PatrolRoute, PatrolRoute.id == PatrolRound.route_id)
        .where(PatrolRound.community_id == community_id, PatrolRound.status != "scheduled")
        .order_by(PatrolRound.window_end.desc(), PatrolRound.id)
    )
    rows, total = await fetch_page(uow.session, query, paging, rows=True)
    out = []
    for rnd, name in rows:
        total_cps = await uow.session.scalar(
            select(func.count())
            .select_from(PatrolCheckpoint)
            .where(PatrolCheckpoint.route_id == rnd.route_id)
        )
        missed = rnd.missed_codes or []
        places = (
            (
                await uow.session.scalars(
                    select(PatrolCheckpoint.place)
                    .where(
                        PatrolCheckpoint.route_id == rnd.route_id, PatrolCheckpoint.code.in_(missed)
                    )
                    .order_by(PatrolCheckpoint.position)
                )
            ).all()
            if missed
            else []
        )
        out.append(
            RoundResult(
                route_name=name,
                window_start=rnd.window_start,
                window_end=rnd.window_end,
                status=rnd.status,
                checkpoints=int(total_cps or 0),
                visited=int(total_cps or 0) - len(missed),
                missed_places=list(places),
            )
        )
    return Page[RoundResult].of(out, total, paging)
