"""Provisioning fleets by key and secret (ThingsBoard's device provisioning API).

An admin creates a profile (device type, community, optional building) and gets its
``provisionDeviceKey`` and ``provisionDeviceSecret`` once. A device then registers itself::

    POST /api/v1/provision
    {"deviceName": "meter-0042", "provisionDeviceKey": "...", "provisionDeviceSecret": "..."}
    -> {"status": "SUCCESS", "credentialsType": "ACCESS_TOKEN", "credentialsValue": "<token>"}
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from device_ingestion.api.deps import (
    DEVICE_ADMIN,
    DEVICE_READ,
    DeviceAdmin,
    DeviceReader,
    UseCasesDep,
)
from device_ingestion.api.devices import insert_device, place_scope
from device_ingestion.api.schemas import ProfileCreate, ProfileRead, ProfileWithSecret
from device_ingestion.db.models import provision_profiles
from device_ingestion.ingest.directory import hash_token, new_token
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import scope_clause
from sc_core.errors import Conflict, Problem

router = APIRouter(prefix="/api/v1", tags=["provisioning"])


class ProvisionRequest(BaseModel):
    deviceName: str = Field(min_length=1, max_length=128)
    provisionDeviceKey: str = Field(min_length=1, max_length=64)
    provisionDeviceSecret: str = Field(min_length=1, max_length=128)


@router.post("/provision-profiles", status_code=201, response_model=ProfileWithSecret)
async def create_profile(
    body: ProfileCreate,
    principal: DeviceAdmin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    uc: UseCasesDep,
    request: Request,
) -> ProfileWithSecret:
    place_scope(principal, _Place(body.community_id, body.building_id), DEVICE_ADMIN)
    if uc.catalogue.get(body.device_type) is None:
        raise Problem(422, "device.unknown_type", f"No device type {body.device_type!r}")
    key, secret = secrets.token_urlsafe(15), secrets.token_urlsafe(30)
    row = (
        await uow.session.execute(
            provision_profiles.insert()
            .values(**body.model_dump(), key=key, secret_hash=hash_token(secret))
            .returning(provision_profiles)
        )
    ).one()
    await auditor.within(
        uow,
        action="provision_profile.create",
        resource_type="provision_profile",
        resource_id=key,
        principal=principal,
        request=request,
        community_id=body.community_id,
    )
    await uow.commit()
    return ProfileWithSecret(
        **ProfileRead.model_validate(row, from_attributes=True).model_dump(), secret=secret
    )


@router.get("/provision-profiles", response_model=Page[ProfileRead])
async def list_profiles(
    principal: DeviceReader, uow: UnitOfWorkDep, paging: Paging
) -> Page[ProfileRead]:
    clause = scope_clause(
        principal,
        community_col=provision_profiles.c.community_id,
        building_col=provision_profiles.c.building_id,
        roles=DEVICE_READ,
    )
    query = select(provision_profiles).where(clause).order_by(provision_profiles.c.created_at)
    rows, total = await fetch_page(uow.session, query, paging, rows=True)
    items = [ProfileRead.model_validate(r, from_attributes=True) for r in rows]
    return Page[ProfileRead].of(items, total, paging)


@router.post("/provision")
async def provision(
    body: ProvisionRequest, uow: UnitOfWorkDep, auditor: AuditorDep
) -> dict[str, Any]:
    """Register a device of a fleet; answers in ThingsBoard's shape (status in the body)."""
    profile = (
        await uow.session.execute(
            select(provision_profiles).where(provision_profiles.c.key == body.provisionDeviceKey)
        )
    ).first()
    secret_ok = profile is not None and hmac.compare_digest(
        profile.secret_hash, hash_token(body.provisionDeviceSecret)
    )
    if profile is None or not secret_ok or not profile.enabled:
        return {"status": "NOT_FOUND", "errorMsg": "Unknown provisioning key or secret"}
    token = new_token()
    values = {
        "name": body.deviceName,
        "device_type": profile.device_type,
        "community_id": profile.community_id,
        "building_id": profile.building_id,
        "provisioned_by": profile.key,
    }
    try:
        row = await insert_device(uow, values, token)
    except Conflict:
        return {"status": "FAILURE", "errorMsg": f"Device {body.deviceName!r} already exists"}
    await auditor.within(
        uow,
        action="device.provision",
        resource_type="device",
        resource_id=str(row.id),
        community_id=profile.community_id,
        detail={"profile": profile.key},
    )
    await uow.commit()
    return {"status": "SUCCESS", "credentialsType": "ACCESS_TOKEN", "credentialsValue": token}


class _Place:
    def __init__(self, community_id: str, building_id: str | None) -> None:
        self.community_id = community_id
        self.building_id = building_id
        self.unit_id = None
        self.household_id = None
