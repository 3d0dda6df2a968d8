"""The device register: ``/api/v1/devices`` (scoped, paged) and ``/api/v1/device-types``."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from device_ingestion.api.deps import (
    DEVICE_ADMIN,
    DEVICE_READ,
    DeviceAdmin,
    DeviceReader,
    UseCasesDep,
)
from device_ingestion.api.schemas import (
    DeviceCreate,
    DeviceRead,
    DeviceTypeRead,
    DeviceUpdate,
    DeviceWithToken,
    KeyRead,
)
from device_ingestion.db.models import devices
from device_ingestion.energy import mark_all_dirty
from device_ingestion.ingest.directory import hash_token, new_token
from device_ingestion.usecases import UseCases
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.audit import Auditor
from sc_core.auth import Principal, ensure_in_scope, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, NotFound, Problem

router = APIRouter(prefix="/api/v1", tags=["devices"])


def place_scope(principal: Principal, row: Any, roles: tuple[str, ...]) -> None:
    ensure_in_scope(
        principal,
        community_id=row.community_id,
        building_id=row.building_id,
        unit_id=row.unit_id,
        household_id=row.household_id,
        roles=roles,
    )


def device_scope(principal: Principal, roles: tuple[str, ...]) -> Any:
    return scope_clause(
        principal,
        community_col=devices.c.community_id,
        building_col=devices.c.building_id,
        unit_col=devices.c.unit_id,
        household_col=devices.c.household_id,
        roles=roles,
    )


async def load_device(
    uow: UnitOfWork, device_id: uuid.UUID, principal: Principal, roles: tuple[str, ...]
) -> Any:
    """The device row, 404 when absent, 403 when outside the caller's places."""
    row = (await uow.session.execute(select(devices).where(devices.c.id == device_id))).first()
    if row is None:
        raise NotFound("device.not_found", f"No device {device_id}")
    place_scope(principal, row, roles)
    return row


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
            )
        )
    return out


@router.post("/devices", status_code=201, response_model=DeviceWithToken)
async def create_device(
    body: DeviceCreate,
    principal: DeviceAdmin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    uc: UseCasesDep,
    request: Request,
) -> DeviceWithToken:
    place_scope(principal, body, DEVICE_ADMIN)
    if uc.catalogue.get(body.device_type) is None:
        raise Problem(422, "device.unknown_type", f"No device type {body.device_type!r}")
    token = new_token()
    row = await insert_device(uow, body.model_dump(), token)
    await auditor.within(
        uow,
        action="device.create",
        resource_type="device",
        resource_id=str(row.id),
        principal=principal,
        request=request,
        community_id=body.community_id,
    )
    await uow.commit()
    return DeviceWithToken(
        **DeviceRead.model_validate(row, from_attributes=True).model_dump(), access_token=token
    )


async def insert_device(uow: UnitOfWork, values: dict[str, Any], token: str) -> Any:
    values = {**values, "id": uuid.uuid4(), "token_hash": hash_token(token)}
    try:
        async with uow.session.begin_nested():
            return (
                await uow.session.execute(devices.insert().values(**values).returning(devices))
            ).one()
    except IntegrityError as exc:
        raise Conflict(
            "device.name_taken",
            f"The community already has a device named {values['name']!r}",
        ) from exc


@router.get("/devices", response_model=Page[DeviceRead])
async def list_devices(
    principal: DeviceReader,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: str | None = None,
    building_id: str | None = None,
    unit_id: str | None = None,
    household_id: str | None = None,
    device_type: str | None = None,
    status: Annotated[str | None, Query(pattern="^(online|offline)$")] = None,
    q: Annotated[str | None, Query(max_length=64, description="name starts with")] = None,
) -> Page[DeviceRead]:
    query = select(devices).where(device_scope(principal, DEVICE_READ))
    filters = {
        devices.c.community_id: community_id,
        devices.c.building_id: building_id,
        devices.c.unit_id: unit_id,
        devices.c.household_id: household_id,
        devices.c.device_type: device_type,
        devices.c.status: status,
    }
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(devices.c.name.like(f"{escaped}%", escape="\\"))
    rows, total = await fetch_page(
        uow.session, query.order_by(devices.c.name, devices.c.id), paging, rows=True
    )
    items = [DeviceRead.model_validate(r, from_attributes=True) for r in rows]
    return Page[DeviceRead].of(items, total, paging)


@router.get("/devices/{device_id}", response_model=DeviceRead)
async def get_device(device_id: uuid.UUID, principal: DeviceReader, uow: UnitOfWorkDep) -> Any:
    return DeviceRead.model_validate(
        await load_device(uow, device_id, principal, DEVICE_READ), from_attributes=True
    )


@router.patch("/devices/{device_id}", response_model=DeviceRead)
async def update_device(
    device_id: uuid.UUID,
    body: DeviceUpdate,
    principal: DeviceAdmin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    uc: UseCasesDep,
    request: Request,
) -> Any:
    row = await load_device(uow, device_id, principal, DEVICE_ADMIN)
    changes = body.model_dump(exclude_unset=True)
    moved = {**row._mapping, **changes}
    place_scope(principal, SimpleNamespace(**moved), DEVICE_ADMIN)
    if _is_meter(uc, row.device_type):  # its energy may now count elsewhere
        await mark_all_dirty(uow.session, row.community_id)
    updated = await _write_device(
        uow, auditor, uc, principal, request, row, "device.update", changes
    )
    return DeviceRead.model_validate(updated, from_attributes=True)


async def _write_device(
    uow: UnitOfWork,
    auditor: Auditor,
    uc: UseCases,
    principal: Principal,
    request: Request,
    row: Any,
    action: str,
    values: dict[str, Any],
) -> Any:
    """Change a device row, audit it, commit, and drop the cached token directory."""
    updated = (
        await uow.session.execute(
            update(devices)
            .where(devices.c.id == row.id)
            .values(**values, updated_at=func.now())
            .returning(devices)
        )
    ).one()
    await auditor.within(
        uow,
        action=action,
        resource_type="device",
        resource_id=str(row.id),
        principal=principal,
        request=request,
        community_id=row.community_id,
    )
    await uow.commit()
    uc.directory.forget()
    return updated


@router.post("/devices/{device_id}/token", response_model=DeviceWithToken)
async def rotate_token(
    device_id: uuid.UUID,
    principal: DeviceAdmin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    uc: UseCasesDep,
    request: Request,
) -> DeviceWithToken:
    """A new access token for the device; the old one stops working."""
    row = await load_device(uow, device_id, principal, DEVICE_ADMIN)
    token = new_token()
    updated = await _write_device(
        uow,
        auditor,
        uc,
        principal,
        request,
        row,
        "device.rotate_token",
        {"token_hash": hash_token(token)},
    )
    read = DeviceRead.model_validate(updated, from_attributes=True)
    return DeviceWithToken(**read.model_dump(), access_token=token)


@router.delete("/devices/{device_id}", status_code=204)
async def delete_device(
    device_id: uuid.UUID,
    principal: DeviceAdmin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    uc: UseCasesDep,
    request: Request,
) -> Response:
    row = await load_device(uow, device_id, principal, DEVICE_ADMIN)
    await uow.session.execute(delete(devices).where(devices.c.id == device_id))
    if _is_meter(uc, row.device_type):
        await mark_all_dirty(uow.session, row.community_id)
    await auditor.within(
        uow,
        action="device.delete",
        resource_type="device",
        resource_id=str(device_id),
        principal=principal,
        request=request,
        community_id=row.community_id,
    )
    await uow.commit()
    uc.directory.forget()
    return Response(status_code=204)


def _is_meter(uc: UseCases, device_type: str) -> bool:
    spec = uc.catalogue.get(device_type)
    return spec is not None and spec.counter is not None
