"""The device register: ``/api/v1/devices`` (scoped, paged) and ``/api/v1/device-types``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from device_ingestion.api.deps import Claimant, DeviceAdmin, DeviceReader, UseCasesDep
from device_ingestion.api.schemas import (
    DeviceClaim,
    DeviceClaimed,
    DeviceCreate,
    DeviceRead,
    DeviceTypeRead,
    DeviceUpdate,
    DeviceWithToken,
    KeyRead,
)
from sc_core.api import Page, Paging

router = APIRouter(prefix="/api/v1", tags=["devices"])


@router.get("/device-types", response_model=list[DeviceTypeRead])
async def list_device_types(uc: UseCasesDep, _: DeviceReader) -> list[DeviceTypeRead]:
    out = []
    for t in sorted(uc.catalogue.types.values(), key=lambda t: t.name):
        keys = [
            KeyRead(
                name=k.name,
                type=k.type,
                unit=k.unit,
                min=k.min,
                max=k.max,
                enum=list(k.enum) if k.enum else None,
                max_length=k.max_length,
                fiware=k.fiware,
            )
            for k in t.keys.values()
        ]
        out.append(
            DeviceTypeRead(
                name=t.name,
                category=t.category,
                description=t.description,
                inactivity_timeout_s=t.inactivity_timeout_s,
                energy=t.energy,
                counter=t.counter,
                commands=list(t.commands) if t.commands else None,
                keys=keys,
                strict=t.strict,
            )
        )
    return out


@router.post("/devices", status_code=201, response_model=DeviceWithToken)
async def create_device(body: DeviceCreate, who: DeviceAdmin, uc: UseCasesDep) -> DeviceWithToken:
    row, token = await uc.devices.create(who, body)
    read = DeviceRead.model_validate(row, from_attributes=True)
    return DeviceWithToken(**read.model_dump(), access_token=token)


@router.get("/devices", response_model=Page[DeviceRead])
async def list_devices(
    who: DeviceReader,
    uc: UseCasesDep,
    paging: Paging,
    community_id: Annotated[str | None, Query(max_length=64)] = None,
    building_id: Annotated[str | None, Query(max_length=64)] = None,
    unit_id: Annotated[str | None, Query(max_length=64)] = None,
    household_id: Annotated[str | None, Query(max_length=64)] = None,
    device_type: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(pattern="^(online|offline)$")] = None,
    q: Annotated[str | None, Query(max_length=64, description="name starts with")] = None,
) -> Page[DeviceRead]:
    filters = {
        "community_id": community_id,
        "building_id": building_id,
        "unit_id": unit_id,
        "household_id": household_id,
        "device_type": device_type,
        "status": status,
    }
    rows, total = await uc.devices.list(who, filters, q, paging)
    items = [DeviceRead.model_validate(r, from_attributes=True) for r in rows]
    return Page[DeviceRead].of(items, total, paging)


@router.post("/device-claims", response_model=DeviceClaimed)
async def claim_device(body: DeviceClaim, who: Claimant, uc: UseCasesDep) -> DeviceClaimed:
    """A resident claims a device for their household with the secret the device announced
    (staff: for a household they serve, named in ``household_id``). 404
    ``device.claim_failed`` when no device of that name waits with that secret."""
    row = await uc.claims.claim(who, body.device_name, body.secret_key, body.household_id)
    return DeviceClaimed.model_validate(row, from_attributes=True)


@router.get("/devices/{device_id}", response_model=DeviceRead)
async def get_device(device_id: uuid.UUID, who: DeviceReader, uc: UseCasesDep) -> Any:
    return DeviceRead.model_validate(await uc.devices.get(who, device_id), from_attributes=True)


@router.patch("/devices/{device_id}", response_model=DeviceRead)
async def update_device(
    device_id: uuid.UUID, body: DeviceUpdate, who: DeviceAdmin, uc: UseCasesDep
) -> Any:
    updated = await uc.devices.update(who, device_id, body)
    return DeviceRead.model_validate(updated, from_attributes=True)


@router.post("/devices/{device_id}/token", response_model=DeviceWithToken)
async def rotate_token(device_id: uuid.UUID, who: DeviceAdmin, uc: UseCasesDep) -> DeviceWithToken:
    """A new access token for the device; the old one stops working."""
    updated, token = await uc.devices.rotate_token(who, device_id)
    read = DeviceRead.model_validate(updated, from_attributes=True)
    return DeviceWithToken(**read.model_dump(), access_token=token)


@router.delete("/devices/{device_id}", status_code=204)
async def delete_device(device_id: uuid.UUID, who: DeviceAdmin, uc: UseCasesDep) -> Response:
    await uc.devices.delete(who, device_id)
    return Response(status_code=204)
