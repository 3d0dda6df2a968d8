"""Firmware over the air, staff side: ``/api/v1/firmware`` (upload, list, read), its
assignment to a device type or to devices, and its rollout (devices per state)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from device_ingestion.api.deps import DeviceAdmin, DeviceReader, UseCasesDep
from device_ingestion.api.schemas import (
    FirmwareAssign,
    FirmwareAssigned,
    FirmwareRead,
    FirmwareRollout,
    Label,
    StateCount,
)
from device_ingestion.domain.firmware import STATES, WORDS
from sc_core.api import Page, Paging
from sc_core.storage import read_upload

router = APIRouter(prefix="/api/v1", tags=["firmware"])
Text64 = Annotated[str, Form(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")]


@router.post("/firmware", status_code=201, response_model=FirmwareRead)
async def upload_firmware(
    who: DeviceAdmin,
    uc: UseCasesDep,
    file: Annotated[UploadFile, File(description="the firmware image")],
    title: Annotated[str, Form(min_length=1, max_length=128, pattern=r"^[^\x00-\x1f\x7f]+$")],
    version: Text64,
    device_type: Text64,
    community_id: Annotated[str | None, Form(min_length=1, max_length=64)] = None,
    checksum: Annotated[
        str | None, Form(max_length=128, description="SHA-256 (hex) to check the file against")
    ] = None,
    checksum_algorithm: Annotated[str, Form(max_length=16)] = "SHA256",
) -> FirmwareRead:
    """Upload a firmware package for a device type (ThingsBoard's OTA package): its SHA-256
    is computed (and checked against ``checksum`` when given); nothing is sent to devices
    until it is assigned."""
    data = await read_upload(file, uc.settings.firmware_max_bytes)
    row = await uc.firmware.upload(
        who,
        data,
        title=title,
        version=version,
        device_type=device_type,
        community_id=community_id,
        checksum=checksum,
        checksum_algorithm=checksum_algorithm,
    )
    return FirmwareRead.model_validate(row, from_attributes=True)


@router.get("/firmware", response_model=Page[FirmwareRead])
async def list_firmware(
    who: DeviceReader,
    uc: UseCasesDep,
    paging: Paging,
    community_id: Annotated[str | None, Query(max_length=64)] = None,
    device_type: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[FirmwareRead]:
    rows, total = await uc.firmware.list(who, community_id, device_type, paging)
    items = [FirmwareRead.model_validate(r, from_attributes=True) for r in rows]
    return Page[FirmwareRead].of(items, total, paging)


@router.get("/firmware/{firmware_id}", response_model=FirmwareRead)
async def get_firmware(firmware_id: uuid.UUID, who: DeviceReader, uc: UseCasesDep) -> FirmwareRead:
    row = await uc.firmware.get(who, firmware_id)
    return FirmwareRead.model_validate(row, from_attributes=True)


@router.post("/firmware/{firmware_id}/assignments", response_model=FirmwareAssigned)
async def assign_firmware(
    firmware_id: uuid.UUID, body: FirmwareAssign, who: DeviceAdmin, uc: UseCasesDep
) -> FirmwareAssigned:
    """Assign the package to devices, or (no ``device_ids``) to its device type in its
    community; each device is told through its ``fw_*`` shared attributes."""
    told = await uc.firmware.assign(who, firmware_id, body.device_ids)
    return FirmwareAssigned(firmware_id=firmware_id, devices=told)


@router.get("/firmware/{firmware_id}/rollout", response_model=FirmwareRollout)
async def firmware_rollout(
    firmware_id: uuid.UUID, who: DeviceReader, uc: UseCasesDep
) -> FirmwareRollout:
    """How many of the devices that are to run the package are in each state (QUEUED: not
    reported yet)."""
    package, counts = await uc.firmware.rollout(who, firmware_id)
    states = [
        StateCount(
            state=state,
            text=Label.model_validate({"zh-CN": WORDS[state][0], "en": WORDS[state][1]}),
            devices=counts.get(state, 0),
        )
        for state in STATES
    ]
    return FirmwareRollout(
        firmware_id=package.id,
        title=package.title,
        version=package.version,
        devices=sum(counts.values()),
        states=states,
    )
