"""Doors and gates, and opening them remotely (app, mini-program, visitor QR)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select

from identity.access import doors, passes
from identity.access.schemas import DoorCreate, DoorOpen, DoorOpened, DoorRead
from identity.api.deps import KeyStoreDep, SettingsDep, scoped
from identity.db.access import Door, VisitorPass
from identity.db.register import Building, Community, Unit
from identity.register import repo
from identity.roles import HOUSEHOLD_ROLES, PLACE_READERS, PLACE_WRITERS
from identity.scope import Places, Scope, load_scope
from sc_contracts.events import DoorChange, DoorChangedV1
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import CurrentPrincipal, Principal
from sc_core.errors import Forbidden, NotFound, Problem

router = APIRouter(tags=["doors"])
Readers = Annotated[Scope, Depends(scoped(PLACE_READERS | HOUSEHOLD_ROLES))]
Writers = Annotated[Scope, Depends(scoped(PLACE_WRITERS))]


async def _door_changed(
    uow: UnitOfWorkDep, door: Door, change: DoorChange, principal: Principal
) -> None:
    """device-ingestion links the door's device to it (a door and its device in one step)."""
    data = DoorChangedV1(
        aggregate_id=str(door.id),
        door_id=str(door.id),
        change=change,
        community_id=str(door.community_id),
        building_id=str(door.building_id) if door.building_id else None,
        device_id=door.device_id,
        changed_by=principal.subject,
        changed_at=datetime.now(UTC),
    )
    await uow.publish(data, key=str(door.id))


async def _door(uow: UnitOfWorkDep, door_id: uuid.UUID) -> Door:
    door = await uow.session.get(Door, door_id)
    if door is None:
        raise NotFound("door.not_found", f"No door with id {door_id}")
    return door


@router.get("/api/v1/doors", summary="Doors you look after or may open")
async def list_doors(
    scope: Readers, uow: UnitOfWorkDep, paging: Paging, community_id: uuid.UUID | None = None
) -> Page[DoorRead]:
    query = select(Door).where(doors.door_clause(scope, await doors.homes(uow.session, scope)))
    if community_id is not None:
        query = query.where(Door.community_id == community_id)
    rows, total = await fetch_page(uow.session, query.order_by(Door.name, Door.id), paging)
    return Page.of([DoorRead.model_validate(d) for d in rows], total, paging)


@router.post("/api/v1/doors", status_code=201, summary="Register a door or gate")
async def create_door(
    body: DoorCreate, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> DoorRead:
    await repo.get_or_404(uow.session, Community, body.community_id)
    scope.ensure(Places(community_id=body.community_id, building_id=body.building_id))
    for model, object_id in ((Building, body.building_id), (Unit, body.unit_id)):
        if object_id is not None:
            place = await repo.get_or_404(uow.session, model, object_id)
            if place.community_id != body.community_id:
                raise Problem(422, "door.place_elsewhere", "The place is in another community")
    door = Door(**body.model_dump())
    uow.session.add(door)
    await uow.session.flush()
    await _door_changed(uow, door, DoorChange.REGISTERED, scope.principal)
    await auditor.within(
        uow,
        action="door.create",
        resource_type="door",
        resource_id=str(door.id),
        principal=scope.principal,
        request=request,
        community_id=str(door.community_id),
    )
    await uow.commit()
    return DoorRead.model_validate(door)


@router.get("/api/v1/doors/{door_id}", summary="One door")
async def get_door(door_id: uuid.UUID, scope: Readers, uow: UnitOfWorkDep) -> DoorRead:
    door = await _door(uow, door_id)
    if not doors.may_open(scope, door, await doors.homes(uow.session, scope)):
        scope.ensure(Places(community_id=door.community_id, building_id=door.building_id))
    return DoorRead.model_validate(door)


@router.delete("/api/v1/doors/{door_id}", status_code=204, summary="Remove a door")
async def delete_door(
    door_id: uuid.UUID, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> Response:
    door = await _door(uow, door_id)
    scope.ensure(Places(community_id=door.community_id, building_id=door.building_id))
    await uow.session.delete(door)
    await _door_changed(uow, door, DoorChange.REMOVED, scope.principal)
    await auditor.within(
        uow,
        action="door.delete",
        resource_type="door",
        resource_id=str(door.id),
        principal=scope.principal,
        request=request,
        community_id=str(door.community_id),
    )
    await uow.commit()
    return Response(status_code=204)


async def _use_pass(uow: UnitOfWorkDep, keys: KeyStoreDep, payload: str, door: Door) -> VisitorPass:
    pass_id = await passes.pass_id_of(keys, payload)
    row, state = await passes.use_once(uow.session, pass_id, door)
    if row is None:
        raise Forbidden("door.invalid_pass", "The visitor pass is not valid")
    if state != "active":
        raise Forbidden("door.invalid_pass", f"The visitor pass cannot open this door ({state})")
    return row


async def send_open(
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    settings: SettingsDep,
    request: Request,
    door: Door,
    *,
    principal: Principal | None,
    method: str,
    visitor_pass: VisitorPass | None = None,
) -> DoorOpened:
    """The open command to the door's device and its audit record, in ``uow``; commits."""
    actor = principal.subject if principal else f"visitor_pass:{visitor_pass and visitor_pass.id}"
    command = await doors.request_open(
        uow,
        door,
        actor=actor,
        ttl_seconds=settings.door_command_ttl_seconds,
        correlation=str(visitor_pass.id) if visitor_pass else None,
    )
    await auditor.within(
        uow,
        action="door.open",
        resource_type="door",
        resource_id=str(door.id),
        principal=principal,
        request=request,
        community_id=str(door.community_id),
        detail={"method": method, "command_id": command.command_id},
    )
    await uow.commit()
    return DoorOpened(
        command_id=uuid.UUID(command.command_id),
        door_id=door.id,
        device_id=door.device_id,
        method=method,
        expires_at=command.expires_at,
    )


@router.post(
    "/api/v1/doors/{door_id}/open", status_code=202, summary="Open a door (command to the device)"
)
async def open_door(
    door_id: uuid.UUID,
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    keys: KeyStoreDep,
    settings: SettingsDep,
    request: Request,
    body: DoorOpen | None = None,
) -> DoorOpened:
    body = body or DoorOpen()
    door = await _door(uow, door_id)
    if body.qr_payload:
        visitor_pass = await _use_pass(uow, keys, body.qr_payload, door)
        return await send_open(
            uow,
            auditor,
            settings,
            request,
            door,
            principal=principal,
            method="qr",
            visitor_pass=visitor_pass,
        )
    scope = await load_scope(uow.session, principal, principal.roles)
    if not doors.may_open(scope, door, await doors.homes(uow.session, scope)):
        await auditor.record(
            action="door.open",
            resource_type="door",
            resource_id=str(door.id),
            principal=principal,
            request=request,
            community_id=str(door.community_id),
            outcome="denied",
        )
        raise Forbidden("door.not_allowed", "You may not open this door")
    method = body.method if body.method != "qr" else "app"
    return await send_open(
        uow, auditor, settings, request, door, principal=principal, method=method
    )
