"""Buildings, units and rooms (实有房屋), with standard codes and coordinates."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from identity.api.deps import BuildingsDep, RoomsDep, UnitsDep
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
from sc_core.api import Page, Paging
from sc_core.auth import Caller, callers

router = APIRouter(tags=["register"])
# the coarse role checks; the places are the use case's (usecases/buildings.py)
Readers = Annotated[Caller, Depends(callers(*sorted(PLACE_READERS)))]
Writers = Annotated[Caller, Depends(callers(*sorted(PLACE_WRITERS)))]
# one place by id: staff in scope, and residents the places their household is in
Viewers = Annotated[Caller, Depends(callers(*sorted(PLACE_READERS | HOUSEHOLD_ROLES)))]


# buildings -----------------------------------------------------------------------------
@router.get("/api/v1/buildings", summary="Buildings in your scope")
async def list_buildings(
    who: Readers,
    buildings: BuildingsDep,
    paging: Paging,
    community_id: uuid.UUID | None = None,
    grid_id: uuid.UUID | None = None,
) -> Page[BuildingRead]:
    rows, total = await buildings.page(who, paging, community_id=community_id, grid_id=grid_id)
    return Page.of([BuildingRead.model_validate(b) for b in rows], total, paging)


@router.post("/api/v1/buildings", status_code=201, summary="Add a building")
async def create_building(
    body: BuildingCreate, who: Writers, buildings: BuildingsDep
) -> BuildingRead:
    return BuildingRead.model_validate(await buildings.create(who, body))


@router.get("/api/v1/buildings/{building_id}", summary="One building")
async def get_building(
    building_id: uuid.UUID, who: Viewers, buildings: BuildingsDep
) -> BuildingRead:
    return await buildings.get(who, building_id)


@router.patch("/api/v1/buildings/{building_id}", summary="Change a building")
async def update_building(
    building_id: uuid.UUID, body: BuildingUpdate, who: Writers, buildings: BuildingsDep
) -> BuildingRead:
    return BuildingRead.model_validate(await buildings.update(who, building_id, body))


@router.delete(
    "/api/v1/buildings/{building_id}", status_code=204, summary="Remove an empty building"
)
async def delete_building(
    building_id: uuid.UUID, who: Writers, buildings: BuildingsDep
) -> Response:
    await buildings.delete(who, building_id)
    return Response(status_code=204)


# units ---------------------------------------------------------------------------------
@router.get("/api/v1/units", summary="Units (entrances) in your scope")
async def list_units(
    who: Readers, units: UnitsDep, paging: Paging, building_id: uuid.UUID | None = None
) -> Page[UnitRead]:
    rows, total = await units.page(who, paging, building_id=building_id)
    return Page.of([UnitRead.model_validate(u) for u in rows], total, paging)


@router.post("/api/v1/units", status_code=201, summary="Add a unit to a building")
async def create_unit(body: UnitCreate, who: Writers, units: UnitsDep) -> UnitRead:
    return UnitRead.model_validate(await units.create(who, body))


@router.get("/api/v1/units/{unit_id}", summary="One unit")
async def get_unit(unit_id: uuid.UUID, who: Viewers, units: UnitsDep) -> UnitRead:
    return await units.get(who, unit_id)


@router.patch("/api/v1/units/{unit_id}", summary="Rename a unit")
async def update_unit(
    unit_id: uuid.UUID, body: UnitUpdate, who: Writers, units: UnitsDep
) -> UnitRead:
    return UnitRead.model_validate(await units.update(who, unit_id, body))


@router.delete("/api/v1/units/{unit_id}", status_code=204, summary="Remove an empty unit")
async def delete_unit(unit_id: uuid.UUID, who: Writers, units: UnitsDep) -> Response:
    await units.delete(who, unit_id)
    return Response(status_code=204)


# rooms ---------------------------------------------------------------------------------
@router.get("/api/v1/rooms", summary="Rooms (houses) in your scope")
async def list_rooms(
    who: Readers,
    rooms: RoomsDep,
    paging: Paging,
    unit_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
) -> Page[RoomRead]:
    rows, total = await rooms.page(who, paging, unit_id=unit_id, building_id=building_id)
    return Page.of([RoomRead.model_validate(r) for r in rows], total, paging)


@router.post("/api/v1/rooms", status_code=201, summary="Add a room; its standard code is derived")
async def create_room(body: RoomCreate, who: Writers, rooms: RoomsDep) -> RoomRead:
    return RoomRead.model_validate(await rooms.create(who, body))


@router.get("/api/v1/rooms/{room_id}", summary="One room")
async def get_room(room_id: uuid.UUID, who: Viewers, rooms: RoomsDep) -> RoomRead:
    return await rooms.get(who, room_id)


@router.patch("/api/v1/rooms/{room_id}", summary="Change a room's area, usage or rental status")
async def update_room(
    room_id: uuid.UUID, body: RoomUpdate, who: Writers, rooms: RoomsDep
) -> RoomRead:
    return RoomRead.model_validate(await rooms.update(who, room_id, body))


@router.delete("/api/v1/rooms/{room_id}", status_code=204, summary="Remove a room no one lived in")
async def delete_room(room_id: uuid.UUID, who: Writers, rooms: RoomsDep) -> Response:
    await rooms.delete(who, room_id)
    return Response(status_code=204)
