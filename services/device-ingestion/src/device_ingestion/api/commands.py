"""Commands: ``/api/v1/devices/{id}/commands`` for people, and ThingsBoard's server-side
RPC for devices over HTTP (``GET /api/v1/{token}/rpc`` long-poll, ``POST
/api/v1/{token}/rpc/{id}`` answer). MQTT devices get ``v1/devices/me/rpc/request/{id}``
and answer on ``v1/devices/me/rpc/response/{id}``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from device_ingestion.api.deps import COMMANDERS, DEVICE_READ, Commander, DeviceReader, UseCasesDep
from device_ingestion.api.device_api import device_for, json_body
from device_ingestion.api.devices import load_device
from device_ingestion.db.models import device_commands
from device_ingestion.ingest.directory import DeviceRef
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.errors import NotFound, Problem

router = APIRouter(prefix="/api/v1", tags=["commands"])


class CommandCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    params: dict[str, Any] = Field(default_factory=dict)
    timeout_s: int | None = Field(default=None, ge=1, le=86400)


class CommandRead(BaseModel):
    id: uuid.UUID
    rpc_id: int
    device_id: uuid.UUID
    method: str
    params: dict[str, Any]
    status: str
    source: str
    requested_by: str | None
    created_at: datetime
    expires_at: datetime
    sent_at: datetime | None
    completed_at: datetime | None
    result: Any | None
    error: str | None


@router.post("/devices/{device_id}/commands", status_code=202, response_model=CommandRead)
async def send_command(
    device_id: uuid.UUID,
    body: CommandCreate,
    principal: Commander,
    uow: UnitOfWorkDep,
    uc: UseCasesDep,
    auditor: AuditorDep,
    request: Request,
) -> CommandRead:
    row = await load_device(uow, device_id, principal, COMMANDERS)
    device_type = uc.catalogue.get(row.device_type)
    if device_type and device_type.commands and body.method not in device_type.commands:
        allowed = ", ".join(device_type.commands)
        raise Problem(422, "command.unknown_method", f"{row.device_type} takes {allowed}")
    await auditor.within(
        uow,
        action="device.command",
        resource_type="device",
        resource_id=str(device_id),
        principal=principal,
        request=request,
        community_id=row.community_id,
        detail={"method": body.method},
    )
    await uow.commit()
    command = await uc.commands.create(
        DeviceRef.from_row(row),
        body.method,
        body.params,
        source="api",
        requested_by=principal.subject,
        timeout_s=body.timeout_s,
    )
    return CommandRead.model_validate(command, from_attributes=True)


@router.get("/devices/{device_id}/commands", response_model=Page[CommandRead])
async def list_commands(
    device_id: uuid.UUID, principal: DeviceReader, uow: UnitOfWorkDep, paging: Paging
) -> Page[CommandRead]:
    await load_device(uow, device_id, principal, DEVICE_READ)
    query = (
        select(device_commands)
        .where(device_commands.c.device_id == device_id)
        .order_by(device_commands.c.rpc_id.desc())
    )
    rows, total = await fetch_page(uow.session, query, paging, rows=True)
    items = [CommandRead.model_validate(r, from_attributes=True) for r in rows]
    return Page[CommandRead].of(items, total, paging)


@router.get("/devices/{device_id}/commands/{command_id}", response_model=CommandRead)
async def get_command(
    device_id: uuid.UUID, command_id: uuid.UUID, principal: DeviceReader, uow: UnitOfWorkDep
) -> CommandRead:
    await load_device(uow, device_id, principal, DEVICE_READ)
    row = (
        await uow.session.execute(
            select(device_commands).where(
                device_commands.c.id == command_id, device_commands.c.device_id == device_id
            )
        )
    ).first()
    if row is None:
        raise NotFound("command.not_found", f"No command {command_id} for this device")
    return CommandRead.model_validate(row, from_attributes=True)


@router.get("/{device_token}/rpc", response_model=None)
async def poll_rpc(
    device_token: str,
    uc: UseCasesDep,
    timeout: Annotated[int, Query(ge=0, le=600_000, description="wait up to (ms)")] = 20_000,
) -> Any:
    """ThingsBoard's HTTP RPC long-poll: the next command, or 408 when none came in time."""
    device = await device_for(uc, device_token)
    wait = min(timeout / 1000, uc.settings.rpc_long_poll_max_s)
    row = await uc.commands.next_for(device, wait)
    if row is None:
        return Response(status_code=408)
    return {"id": row.rpc_id, "method": row.method, "params": row.params}


@router.post("/{device_token}/rpc/{rpc_id}")
async def answer_rpc(
    device_token: str, rpc_id: int, request: Request, uc: UseCasesDep
) -> dict[str, str]:
    device = await device_for(uc, device_token)
    result = await json_body(request)
    if not await uc.commands.complete(device, rpc_id, result):
        raise NotFound("command.not_open", f"No open command {rpc_id} for this device")
    return {"status": "stored"}
