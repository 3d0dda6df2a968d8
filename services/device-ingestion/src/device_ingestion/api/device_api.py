"""The device API of ThingsBoard, over HTTP: devices authenticate with the access token
in the path.

    POST /api/v1/{token}/telemetry          {"k": v} | {"ts": ms, "values": {...}} | [ ... ]
    POST /api/v1/{token}/attributes         {"k": v, ...}
    GET  /api/v1/{token}/attributes         ?clientKeys=a,b&sharedKeys=c
    GET  /api/v1/{token}/attributes/updates ?timeout=ms: long-poll for shared attributes
    POST /api/v1/{token}/claim              {"secretKey": "...", "durationMs": n}
    POST /api/v1/{token}/telemetry/batch    edge gateway: {"<device name>": <telemetry>, ...}
    GET  /api/v1/{token}/firmware           ?title=&version=&size=&chunk=: the assigned
                                            firmware, chunk by chunk (OTA)

Telemetry answers 200 with what was accepted and every rejected reading with its code and
reason, once the accepted readings are safely on the telemetry stream.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from device_ingestion.api.deps import DeviceToken, UseCasesDep
from device_ingestion.domain.attributes import key_set, requested
from device_ingestion.domain.firmware import chunk_of
from device_ingestion.domain.readings import Outcome
from device_ingestion.ingest.directory import DeviceRef
from device_ingestion.usecases import UseCases
from sc_core.errors import Problem

router = APIRouter(prefix="/api/v1", tags=["device api"])


class Rejected(BaseModel):
    code: str
    detail: str
    device: str | None = None
    index: int | None = None
    key: str | None = None


class IngestResult(BaseModel):
    accepted: int
    rejected: int
    errors: list[Rejected]

    @classmethod
    def of(cls, outcome: Outcome) -> IngestResult:
        return cls(
            accepted=outcome.accepted,
            rejected=len(outcome.rejections),
            errors=[Rejected(**r.as_dict()) for r in outcome.rejections],
        )


async def device_for(uc: UseCases, token: str) -> DeviceRef:
    device = await uc.directory.by_token(token) if len(token) <= 128 else None
    if device is None:
        raise Problem(
            401, "device.invalid_token", "No device has this access token", zh="设备接入凭证无效"
        )
    return device


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > 8 * 1024 * 1024:
        raise Problem(
            413, "request.too_large", "The body is larger than 8 MiB", zh="上报的内容超过 8 MiB"
        )
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(
            400,
            "request.malformed_json",
            "The request body is not valid JSON",
            zh="上报的内容不是有效的 JSON",
        ) from exc


@router.post("/{device_token}/telemetry", response_model=IngestResult)
async def post_telemetry(
    device_token: DeviceToken, request: Request, uc: UseCasesDep
) -> IngestResult:
    device = await device_for(uc, device_token)
    payload = await json_body(request)
    return IngestResult.of(await uc.ingest.telemetry(device, payload, "http"))


@router.post("/{device_token}/telemetry/batch", response_model=IngestResult)
async def post_gateway_telemetry(
    device_token: DeviceToken, request: Request, uc: UseCasesDep
) -> IngestResult:
    """Telemetry of many devices from an edge gateway (a device of type ``edge_gateway``)."""
    gateway = await device_for(uc, device_token)
    if gateway.device_type != "edge_gateway":
        raise Problem(
            403,
            "device.not_a_gateway",
            "Only an edge_gateway device sends batches",
            zh="只有边缘网关设备可以批量上报",
        )
    payload = await json_body(request)
    return IngestResult.of(await uc.ingest.gateway(gateway, payload, "http"))


@router.post("/{device_token}/attributes")
async def post_attributes(
    device_token: DeviceToken, request: Request, uc: UseCasesDep
) -> dict[str, Any]:
    device = await device_for(uc, device_token)
    payload = await json_body(request)
    if not isinstance(payload, dict) or not payload:
        raise Problem(
            400,
            "attributes.malformed",
            'Attributes are a JSON object {"key": value}',
            zh='设备属性须为 JSON 对象，如 {"key": value}',
        )
    if len(json.dumps(payload)) > 64 * 1024:
        raise Problem(
            413,
            "attributes.too_large",
            "Attributes may take at most 64 KiB",
            zh="设备属性最多 64 KiB",
        )
    await uc.ingest.attributes(device, payload)
    return {"updated": sorted(payload)}


@router.get("/{device_token}/attributes")
async def get_attributes(
    device_token: DeviceToken,
    uc: UseCasesDep,
    client_keys: Annotated[str | None, Query(alias="clientKeys", max_length=2000)] = None,
    shared_keys: Annotated[str | None, Query(alias="sharedKeys", max_length=2000)] = None,
) -> dict[str, Any]:
    device = await device_for(uc, device_token)
    row = await uc.ingest.stored_attributes(device)
    return requested(
        row.attributes, row.shared_attributes, key_set(client_keys), key_set(shared_keys)
    )


@router.get("/{device_token}/attributes/updates", response_model=None)
async def poll_attribute_updates(
    device_token: DeviceToken,
    uc: UseCasesDep,
    timeout: Annotated[int, Query(ge=0, le=600_000, description="wait up to (ms)")] = 20_000,
) -> Any:
    """ThingsBoard's HTTP long-poll for shared attribute updates: the next change (changed
    keys with their values, ``deleted``: removed keys), or 408 when none came in time."""
    device = await device_for(uc, device_token)
    wait = min(timeout / 1000, uc.settings.rpc_long_poll_max_s)
    update = await uc.attribute_updates.wait(device.id, wait)
    if update is None:
        return Response(status_code=408)
    return update


@router.post("/{device_token}/claim")
async def announce_claim(
    device_token: DeviceToken, request: Request, uc: UseCasesDep
) -> dict[str, Any]:
    """ThingsBoard's device claiming, device side: ``{"secretKey": "...", "durationMs": n}``
    (both optional); a person who knows the secret may claim the device until then."""
    device = await device_for(uc, device_token)
    raw = await request.body()
    try:
        await uc.claims.announce(device, json.loads(raw) if raw.strip() else {})
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(
            400,
            "claim.malformed",
            'A claim is {"secretKey": "<at most 128 characters>", "durationMs": <ms>}',
            zh='认领声明须为 {"secretKey": "<至多 128 个字符>", "durationMs": <毫秒>}',
        ) from exc
    return {}


@router.get(
    "/{device_token}/firmware",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the chunk"}},
)
async def get_firmware_chunk(
    device_token: DeviceToken,
    uc: UseCasesDep,
    title: Annotated[str, Query(max_length=128)],
    version: Annotated[str, Query(max_length=64)],
    size: Annotated[int, Query(ge=0, le=64 * 1024 * 1024, description="chunk size; 0: all")] = 0,
    chunk: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """ThingsBoard's firmware download: chunk ``chunk`` of ``size`` bytes of the package
    assigned to the device (empty past the end); 404 ``firmware.not_assigned`` when none
    is, 400 ``firmware.not_current`` when ``title``/``version`` are not the assigned one's."""
    device = await device_for(uc, device_token)
    package = await uc.firmware.for_device(device)
    if package is None:
        raise Problem(
            404,
            "firmware.not_assigned",
            "No firmware is assigned to this device",
            zh="该设备没有待升级的固件",
        )
    if package.title != title or package.version != version:
        raise Problem(
            400,
            "firmware.not_current",
            f"The firmware assigned to this device is {package.title} {package.version}",
            zh=f"该设备应升级的固件是 {package.title} {package.version}",
        )
    data = chunk_of(await uc.firmware.content(package), size, chunk)
    return Response(content=data, media_type="application/octet-stream")
