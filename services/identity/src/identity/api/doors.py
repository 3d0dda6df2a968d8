"""Doors and gates, and opening them remotely (app, mini-program, visitor QR)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from identity.access.schemas import DoorCreate, DoorOpen, DoorOpened, DoorRead
from identity.api.deps import DoorsDep
from identity.roles import HOUSEHOLD_ROLES, PLACE_READERS, PLACE_WRITERS
from sc_core.api import Page, Paging
from sc_core.auth import Caller, CurrentCaller, callers

router = APIRouter(tags=["doors"])
# the coarse role checks; the places are the use case's (usecases/doors.py)
Readers = Annotated[Caller, Depends(callers(*sorted(PLACE_READERS | HOUSEHOLD_ROLES)))]
Writers = Annotated[Caller, Depends(callers(*sorted(PLACE_WRITERS)))]


@router.get("/api/v1/doors", summary="Doors you look after or may open")
async def list_doors(
    who: Readers, doors: DoorsDep, paging: Paging, community_id: uuid.UUID | None = None
) -> Page[DoorRead]:
    rows, total = await doors.page(who, paging, community_id=community_id)
    return Page.of([DoorRead.model_validate(d) for d in rows], total, paging)


@router.post("/api/v1/doors", status_code=201, summary="Register a door or gate")
async def create_door(body: DoorCreate, who: Writers, doors: DoorsDep) -> DoorRead:
    return DoorRead.model_validate(await doors.create(who, body))


@router.get("/api/v1/doors/{door_id}", summary="One door")
async def get_door(door_id: uuid.UUID, who: Readers, doors: DoorsDep) -> DoorRead:
    return DoorRead.model_validate(await doors.get(who, door_id))


@router.delete("/api/v1/doors/{door_id}", status_code=204, summary="Remove a door")
async def delete_door(door_id: uuid.UUID, who: Writers, doors: DoorsDep) -> Response:
    await doors.delete(who, door_id)
    return Response(status_code=204)


@router.post(
    "/api/v1/doors/{door_id}/open", status_code=202, summary="Open a door (command to the device)"
)
async def open_door(
    door_id: uuid.UUID, who: CurrentCaller, doors: DoorsDep, body: DoorOpen | None = None
) -> DoorOpened:
    return await doors.open(who, door_id, body or DoorOpen())
