"""Buildings, units and rooms (实有房屋), with standard codes and coordinates."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from identity.api.deps import scoped
from identity.db.register import Building, Community, Grid, Household, Room, Unit
from identity.register import places, repo
from identity.register.schemas import (
    BuildingCreate,
    BuildingRead,
    BuildingUpdate,
    RoomCreate,
    RoomRead,
    RoomUpdate,
    UnitCreate,
    UnitRead,
    UnitUpdate,
)
from identity.roles import HOUSEHOLD_ROLES, PLACE_READERS, PLACE_WRITERS
from identity.scope import Scope
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

router = APIRouter(tags=["register"])
Readers = Annotated[Scope, Depends(scoped(PLACE_READERS))]
Writers = Annotated[Scope, Depends(scoped(PLACE_WRITERS))]
# one place by id: staff in scope, and residents the places their household is in
Viewers = Annotated[Scope, Depends(scoped(PLACE_READERS | HOUSEHOLD_ROLES))]


async def _audit(
    uow: UnitOfWork, auditor: AuditorDep, scope: Scope, request: Request, action: str, obj: Any
) -> None:
    await auditor.within(
        uow,
        action=action,
        resource_type=action.split(".")[0],
        resource_id=str(obj.id),
        principal=scope.principal,
        request=request,
        community_id=str(obj.community_id),
    )


def _apply(obj: Any, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(obj, name, value)


# buildings -----------------------------------------------------------------------------
@router.get("/api/v1/buildings", summary="Buildings in your scope")
async def list_buildings(
    scope: Readers,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: uuid.UUID | None = None,
    grid_id: uuid.UUID | None = None,
) -> Page[BuildingRead]:
    query = select(Building).where(
        scope.clause(community_col=Building.community_id, building_col=Building.id)
    )
    if community_id is not None:
        query = query.where(Building.community_id == community_id)
    if grid_id is not None:
        query = query.where(Building.grid_id == grid_id)
    rows, total = await fetch_page(uow.session, query.order_by(Building.code, Building.id), paging)
    return Page.of([BuildingRead.model_validate(b) for b in rows], total, paging)


@router.post("/api/v1/buildings", status_code=201, summary="Add a building")
async def create_building(
    body: BuildingCreate, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> BuildingRead:
    community = await repo.get_or_404(uow.session, Community, body.community_id)
    scope.ensure(repo.places(community))
    if body.grid_id is not None:
        grid = await repo.get_or_404(uow.session, Grid, body.grid_id)
        if grid.community_id != community.id:
            raise Problem(422, "building.grid_elsewhere", "The grid is in another community")
    building = Building(**body.model_dump())
    uow.session.add(building)
    await repo.flush_unique(uow, "building.code_taken", f"A building with code {body.code}")
    await _audit(uow, auditor, scope, request, "building.create", building)
    await uow.commit()
    return BuildingRead.model_validate(building)


@router.get("/api/v1/buildings/{building_id}", summary="One building")
async def get_building(building_id: uuid.UUID, scope: Viewers, uow: UnitOfWorkDep) -> BuildingRead:
    building = await repo.get_or_404(uow.session, Building, building_id)
    await places.ensure_readable(uow.session, scope, repo.places(building))
    community = await repo.get_or_404(uow.session, Community, building.community_id)
    return BuildingRead.model_validate(building).model_copy(
        update={
            "label": f"{community.name} {building.name}",
            "address": places.standard_address(community, building.name),
        }
    )


@router.patch("/api/v1/buildings/{building_id}", summary="Change a building")
async def update_building(
    building_id: uuid.UUID,
    body: BuildingUpdate,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> BuildingRead:
    building = await repo.get_or_404(uow.session, Building, building_id)
    scope.ensure(repo.places(building))
    _apply(building, body.model_dump(exclude_unset=True))
    await _audit(uow, auditor, scope, request, "building.update", building)
    await uow.commit()
    return BuildingRead.model_validate(building)


@router.delete(
    "/api/v1/buildings/{building_id}", status_code=204, summary="Remove an empty building"
)
async def delete_building(
    building_id: uuid.UUID,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> Response:
    building = await repo.get_or_404(uow.session, Building, building_id)
    scope.ensure(repo.places(building))
    await repo.ensure_empty(
        uow.session, "building.not_empty", Unit, Unit.building_id == building.id
    )
    await uow.session.delete(building)
    await _audit(uow, auditor, scope, request, "building.delete", building)
    await uow.commit()
    return Response(status_code=204)


# units ---------------------------------------------------------------------------------
@router.get("/api/v1/units", summary="Units (entrances) in your scope")
async def list_units(
    scope: Readers, uow: UnitOfWorkDep, paging: Paging, building_id: uuid.UUID | None = None
) -> Page[UnitRead]:
    query = select(Unit).where(
        scope.clause(
            community_col=Unit.community_id, building_col=Unit.building_id, unit_col=Unit.id
        )
    )
    if building_id is not None:
        query = query.where(Unit.building_id == building_id)
    rows, total = await fetch_page(uow.session, query.order_by(Unit.code, Unit.id), paging)
    return Page.of([UnitRead.model_validate(u) for u in rows], total, paging)


@router.post("/api/v1/units", status_code=201, summary="Add a unit to a building")
async def create_unit(
    body: UnitCreate, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> UnitRead:
    building = await repo.get_or_404(uow.session, Building, body.building_id)
    scope.ensure(repo.places(building))
    unit = Unit(community_id=building.community_id, **body.model_dump())
    uow.session.add(unit)
    await repo.flush_unique(uow, "unit.code_taken", f"A unit with code {body.code}")
    await _audit(uow, auditor, scope, request, "unit.create", unit)
    await uow.commit()
    return UnitRead.model_validate(unit)


@router.get("/api/v1/units/{unit_id}", summary="One unit")
async def get_unit(unit_id: uuid.UUID, scope: Viewers, uow: UnitOfWorkDep) -> UnitRead:
    unit = await repo.get_or_404(uow.session, Unit, unit_id)
    await places.ensure_readable(uow.session, scope, repo.places(unit))
    building = await repo.get_or_404(uow.session, Building, unit.building_id)
    community = await repo.get_or_404(uow.session, Community, unit.community_id)
    return UnitRead.model_validate(unit).model_copy(
        update={
            "label": f"{community.name} {building.name}{unit.name}",
            "address": places.standard_address(community, building.name, unit.name),
        }
    )


@router.patch("/api/v1/units/{unit_id}", summary="Rename a unit")
async def update_unit(
    unit_id: uuid.UUID,
    body: UnitUpdate,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> UnitRead:
    unit = await repo.get_or_404(uow.session, Unit, unit_id)
    scope.ensure(repo.places(unit))
    _apply(unit, body.model_dump(exclude_unset=True, exclude_none=True))
    await _audit(uow, auditor, scope, request, "unit.update", unit)
    await uow.commit()
    return UnitRead.model_validate(unit)


@router.delete("/api/v1/units/{unit_id}", status_code=204, summary="Remove an empty unit")
async def delete_unit(
    unit_id: uuid.UUID, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> Response:
    unit = await repo.get_or_404(uow.session, Unit, unit_id)
    scope.ensure(repo.places(unit))
    await repo.ensure_empty(uow.session, "unit.not_empty", Room, Room.unit_id == unit.id)
    await uow.session.delete(unit)
    await _audit(uow, auditor, scope, request, "unit.delete", unit)
    await uow.commit()
    return Response(status_code=204)


# rooms ---------------------------------------------------------------------------------
@router.get("/api/v1/rooms", summary="Rooms (houses) in your scope")
async def list_rooms(
    scope: Readers,
    uow: UnitOfWorkDep,
    paging: Paging,
    unit_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
) -> Page[RoomRead]:
    query = select(Room).where(
        scope.clause(
            community_col=Room.community_id, building_col=Room.building_id, unit_col=Room.unit_id
        )
    )
    if unit_id is not None:
        query = query.where(Room.unit_id == unit_id)
    if building_id is not None:
        query = query.where(Room.building_id == building_id)
    order = (Room.building_id, Room.unit_id, Room.floor, Room.code)
    rows, total = await fetch_page(uow.session, query.order_by(*order), paging)
    return Page.of([RoomRead.model_validate(r) for r in rows], total, paging)


@router.post("/api/v1/rooms", status_code=201, summary="Add a room; its standard code is derived")
async def create_room(
    body: RoomCreate, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> RoomRead:
    unit = await repo.get_or_404(uow.session, Unit, body.unit_id)
    scope.ensure(repo.places(unit))
    building = await repo.get_or_404(uow.session, Building, unit.building_id)
    if body.floor == 0 or body.floor > building.floors:
        raise Problem(
            422,
            "room.floor_out_of_range",
            f"{building.name} has floors 1 to {building.floors} (and basements -1 to -5)",
            zh=f"{building.name}共{building.floors}层：楼层应为 1 至 {building.floors}"
            "（地下层 -1 至 -5）",
            floors=building.floors,
        )
    community = await repo.get_or_404(uow.session, Community, unit.community_id)
    code = f"{community.code}-{building.code}-{unit.code}-{body.code}"
    room = Room(
        community_id=unit.community_id,
        building_id=unit.building_id,
        standard_code=code,
        **body.model_dump(),
    )
    uow.session.add(room)
    await repo.flush_unique(uow, "room.code_taken", f"A room with code {body.code}")
    await _audit(uow, auditor, scope, request, "room.create", room)
    await uow.commit()
    return RoomRead.model_validate(room)


@router.get("/api/v1/rooms/{room_id}", summary="One room")
async def get_room(room_id: uuid.UUID, scope: Viewers, uow: UnitOfWorkDep) -> RoomRead:
    room = await repo.get_or_404(uow.session, Room, room_id)
    await places.ensure_readable(uow.session, scope, repo.places(room), room_id=room.id)
    where = (await places.room_places(uow.session, [room.id]))[room.id]
    return RoomRead.model_validate(room).model_copy(
        update={
            "label": where.label,
            "address": where.address,
            "longitude": where.building.longitude,
            "latitude": where.building.latitude,
        }
    )


@router.patch("/api/v1/rooms/{room_id}", summary="Change a room's area, usage or rental status")
async def update_room(
    room_id: uuid.UUID,
    body: RoomUpdate,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> RoomRead:
    room = await repo.get_or_404(uow.session, Room, room_id)
    scope.ensure(repo.places(room))
    _apply(room, body.model_dump(exclude_unset=True, exclude_none=True))
    await _audit(uow, auditor, scope, request, "room.update", room)
    await uow.commit()
    return RoomRead.model_validate(room)


@router.delete("/api/v1/rooms/{room_id}", status_code=204, summary="Remove a room no one lived in")
async def delete_room(
    room_id: uuid.UUID, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> Response:
    room = await repo.get_or_404(uow.session, Room, room_id)
    scope.ensure(repo.places(room))
    await repo.ensure_empty(uow.session, "room.not_empty", Household, Household.room_id == room.id)
    await uow.session.delete(room)
    await _audit(uow, auditor, scope, request, "room.delete", room)
    await uow.commit()
    return Response(status_code=204)
