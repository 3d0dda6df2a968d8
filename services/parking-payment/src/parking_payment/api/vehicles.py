"""Vehicles, passes, visitor passes, the watch list and passage search."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select

from parking_payment.api import views
from parking_payment.api.deps import STAFF_ROLES, GatesDep, Staff, Tracer, VehiclesDep
from parking_payment.api.schemas import (
    GateRead,
    PassageRead,
    PassGrant,
    VehicleCreate,
    VehicleRead,
    VisitorPassCreate,
    VisitorPassRead,
    WatchCreate,
    WatchRead,
)
from parking_payment.db.parking import GateRow, PassageRow, VehicleRow
from sc_core.api import Page, Paging, fetch_page
from sc_core.auth import CurrentCaller
from sc_core.auth.scope import in_scope, scope_clause
from sc_core.privacy import mask_model
from sc_core.schema import Instant

router = APIRouter(prefix="/api/v1/parking", tags=["parking: vehicles"])
_ACTION_ZH = {"pass": "放行", "pay": "待缴费", "refuse": "拒绝"}


@router.post("/vehicles", status_code=201, response_model=VehicleRead, summary="Register a car")
async def register(body: VehicleCreate, who: CurrentCaller, vehicles: VehiclesDep) -> VehicleRead:
    row = await vehicles.register(
        who,
        body.community_id,
        body.household_id,
        body.plate,
        body.color.value if body.color else None,
    )
    return views.vehicle_read(row)


@router.get("/vehicles", response_model=Page[VehicleRead], summary="Cars in my scope")
async def list_vehicles(
    who: CurrentCaller, vehicles: VehiclesDep, paging: Paging
) -> Page[VehicleRead]:
    """The cars in the caller's scope; the car's household only to that household and to
    the community's staff (``household_id`` null for anyone else)."""
    async with vehicles.uow() as uow:
        query = (
            select(VehicleRow)
            .where(
                scope_clause(
                    who.principal,
                    community_col=VehicleRow.community_id,
                    household_col=VehicleRow.household_id,
                )
            )
            # newest first, the id breaking ties: a total order, so the page offers
            # next_cursor and a deep page starts at its key through the index (ADR 0066)
            .order_by(VehicleRow.created_at.desc(), VehicleRow.id.desc())
        )
        rows, total = await fetch_page(uow.session, query, paging)
        households = who.principal.household_ids
        items = []
        for r in rows:
            own = r.household_id in households
            read = mask_model(views.vehicle_read(r), who.principal.grade, self_or_household=own)
            # whose car it is: only to that household and the community's staff (an
            # integrator's client or a merchant in the community lists the cars without it)
            if not own and not in_scope(
                who.principal, community_id=r.community_id, roles=STAFF_ROLES
            ):
                read.household_id = None
            items.append(read)
    return Page[VehicleRead].of(items, total, paging)


@router.put("/vehicles/{vehicle_id}/pass", response_model=VehicleRead, summary="Grant a pass")
async def grant_pass(
    vehicle_id: uuid.UUID, body: PassGrant, who: Staff, vehicles: VehiclesDep
) -> VehicleRead:
    row = await vehicles.grant_pass(who, vehicle_id, body.kind, body.valid_from, body.valid_until)
    return views.vehicle_read(row)


@router.post(
    "/visitor-passes",
    status_code=201,
    response_model=VisitorPassRead,
    summary="Let a visitor's car in (granted by a resident)",
)
async def grant_visitor(
    body: VisitorPassCreate, who: CurrentCaller, vehicles: VehiclesDep
) -> VisitorPassRead:
    row = await vehicles.grant_visitor(
        who, body.community_id, body.household_id, body.plate, body.valid_from, body.valid_until
    )
    return VisitorPassRead(
        id=row.id, plate=row.plate, valid_from=row.valid_from, valid_until=row.valid_until
    )


@router.post("/watch-list", status_code=201, response_model=WatchRead, summary="Watch a plate")
async def watch(body: WatchCreate, who: Staff, vehicles: VehiclesDep) -> WatchRead:
    return views.watch_read(
        await vehicles.watch(who, body.community_id, body.plate, body.reason, body.note)
    )


@router.get(
    "/passages",
    response_model=Page[PassageRead],
    summary="Passages of a plate in a time window (audited)",
)
async def passages(
    who: Tracer,
    vehicles: VehiclesDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    plate: Annotated[str, Query(min_length=7, max_length=16)],
    start: Instant,
    end: Instant,
    purpose: Annotated[str, Query(min_length=1, max_length=100, description="why (audited)")],
) -> Page[PassageRead]:
    rows, total = await vehicles.trace(
        who, community_id, plate, start, end, purpose, limit=paging.limit, offset=paging.offset
    )
    async with vehicles.uow() as uow:
        names = dict((await uow.session.execute(select(GateRow.id, GateRow.name))).tuples().all())
    items = [_passage_read(r, names.get(r.gate_id, "")) for r in rows]
    return Page[PassageRead].of(items, total, paging)


def _passage_read(r: PassageRow, gate_name: str) -> PassageRead:
    return PassageRead(
        id=r.id,
        gate_id=r.gate_id,
        gate_name=gate_name,
        direction=r.direction,
        plate=r.plate,
        at=r.at,
        action=r.action,
        action_text=_ACTION_ZH.get(r.action, ""),
        reason=r.reason,
        due=r.due,
        photos=r.photos,
    )


@router.get(
    "/desk/passages",
    response_model=Page[PassageRead],
    summary="The gate desk (岗亭): the last day's passages, newest first",
)
async def desk_passages(
    who: Staff,
    vehicles: VehiclesDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    gate_id: uuid.UUID | None = None,
) -> Page[PassageRead]:
    rows, total = await vehicles.desk(
        who, community_id, gate_id, limit=paging.limit, offset=paging.offset
    )
    return Page[PassageRead].of([_passage_read(r, name) for r, name in rows], total, paging)


@router.get("/gates", response_model=list[GateRead], summary="The gates of a community")
async def gates_of(
    who: Staff,
    vehicles: VehiclesDep,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> list[GateRead]:
    return [
        GateRead(
            id=g.id,
            lot_id=g.lot_id,
            lot_name=lot,
            name=g.name,
            direction=g.direction,
            zone=g.zone,
        )
        for g, lot in await vehicles.gates_of(who, community_id)
    ]


@router.get(
    "/passages/{passage_id}/photos/{n}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
    summary="A passage's photo (过车照片)",
)
async def passage_photo(
    passage_id: uuid.UUID,
    n: Annotated[int, Path(ge=0, le=9)],
    who: Staff,
    gates: GatesDep,
) -> Response:
    data, media_type = await gates.passage_photo(who, passage_id, n)
    return Response(data, media_type=media_type, headers={"Cache-Control": "private, max-age=3600"})
