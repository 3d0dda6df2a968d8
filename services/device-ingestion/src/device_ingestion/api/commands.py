"""Commands: ``/api/v1/devices/{id}/commands`` for people, and ThingsBoard's server-side
RPC for devices over HTTP (``GET /api/v1/{token}/rpc`` long-poll, ``POST
/api/v1/{token}/rpc/{id}`` answer), and client-side RPC (``POST /api/v1/{token}/rpc``).
MQTT devices get ``v1/devices/me/rpc/request/{id}`` and answer on
``v1/devices/me/rpc/response/{id}``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from device_ingestion.api.deps import Commander, DeviceReader, DeviceToken, UseCasesDep
from device_ingestion.api.device_api import device_for, json_body
from device_ingestion.domain.client_rpc import BadCall, answer, parse_call
from sc_core.api import Page, Paging
from sc_core.errors import NotFound, Problem
from sc_core.schema import JsonObject

router = APIRouter(prefix="/api/v1", tags=["commands"])


class CommandCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_]*$")
    params: JsonObject = Field(default_factory=dict)
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
    device_id: uuid.UUID, body: CommandCreate, who: Commander, uc: UseCasesDep
) -> CommandRead:
    command = await uc.device_commands.send(
        who, device_id, body.method, body.params, body.timeout_s
    )
    return CommandRead.model_validate(command, from_attributes=True)


@router.get("/devices/{device_id}/commands", response_model=Page[CommandRead])
async def list_commands(
    device_id: uuid.UUID, who: DeviceReader, uc: UseCasesDep, paging: Paging
) -> Page[CommandRead]:
    rows, total = await uc.device_commands.list(who, device_id, paging)
    items = [CommandRead.model_validate(r, from_attributes=True) for r in rows]
    return Page[CommandRead].of(items, total, paging)


@router.get("/devices/{device_id}/commands/{command_id}", response_model=CommandRead)
async def get_command(
    device_id: uuid.UUID, command_id: uuid.UUID, who: DeviceReader, uc: UseCasesDep
) -> CommandRead:
    row = await uc.device_commands.get(who, device_id, command_id)
    return CommandRead.model_validate(row, from_attributes=True)


@router.get("/{device_token}/rpc", response_model=None)
async def poll_rpc(
    device_token: DeviceToken,
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
    device_token: DeviceToken,
    rpc_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    request: Request,
    uc: UseCasesDep,
) -> dict[str, str]:
    device = await device_for(uc, device_token)
    result = await json_body(request)
    if not await uc.commands.complete(device, rpc_id, result):
        raise NotFound(
            "command.not_open",
            f"No open command {rpc_id} for this device",
            zh="该设备没有这条待执行的指令",
        )
    return {"status": "stored"}


@router.post("/{device_token}/rpc")
async def client_rpc(
    device_token: DeviceToken, request: Request, uc: UseCasesDep
) -> dict[str, Any]:
    """ThingsBoard's client-side RPC over HTTP: the device calls the platform with
    ``{"method", "params"}`` and gets the answer (``getCurrentTime``, ``getSessionLimits``;
    any other method answers ``{"error": ...}``)."""
    await device_for(uc, device_token)
    try:
        method, params = parse_call(await json_body(request))
    except BadCall as exc:
        raise Problem(
            400,
            "rpc.malformed",
            'An RPC call is {"method": "<name>", "params": ...} with a method of 1 to 64 '
            "characters",
            zh='RPC 调用须为 {"method": "<方法名>", "params": ...}，方法名 1 至 64 个字符',
        ) from exc
    return answer(method, params, datetime.now(UTC))
