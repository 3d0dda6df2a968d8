"""Provisioning fleets by key and secret (ThingsBoard's device provisioning API).

An admin creates a profile (device type, community, optional building) and gets its
``provisionDeviceKey`` and ``provisionDeviceSecret`` once. A device then registers itself::

    POST /api/v1/provision
    {"deviceName": "meter-0042", "provisionDeviceKey": "...", "provisionDeviceSecret": "..."}
    -> {"status": "SUCCESS", "credentialsType": "ACCESS_TOKEN", "credentialsValue": "<token>"}
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from device_ingestion.api.deps import DeviceAdmin, DeviceReader, UseCasesDep
from device_ingestion.api.schemas import ProfileCreate, ProfileRead, ProfileWithSecret
from sc_core.api import Page, Paging

router = APIRouter(prefix="/api/v1", tags=["provisioning"])


class ProvisionRequest(BaseModel):
    deviceName: str = Field(min_length=1, max_length=128)
    provisionDeviceKey: str = Field(min_length=1, max_length=64)
    provisionDeviceSecret: str = Field(min_length=1, max_length=128)


@router.post("/provision-profiles", status_code=201, response_model=ProfileWithSecret)
async def create_profile(
    body: ProfileCreate, who: DeviceAdmin, uc: UseCasesDep
) -> ProfileWithSecret:
    row, secret = await uc.provisioning.create_profile(who, body)
    read = ProfileRead.model_validate(row, from_attributes=True)
    return ProfileWithSecret(**read.model_dump(), secret=secret)


@router.get("/provision-profiles", response_model=Page[ProfileRead])
async def list_profiles(who: DeviceReader, uc: UseCasesDep, paging: Paging) -> Page[ProfileRead]:
    rows, total = await uc.provisioning.profiles(who, paging)
    items = [ProfileRead.model_validate(r, from_attributes=True) for r in rows]
    return Page[ProfileRead].of(items, total, paging)


@router.post("/provision")
async def provision(body: ProvisionRequest, uc: UseCasesDep) -> dict[str, Any]:
    """Register a device of a fleet; answers in ThingsBoard's shape (status in the body).
    MQTT devices do the same with username ``provision`` on ``/provision/request``."""
    return await uc.provisioning.answer(body.model_dump())
