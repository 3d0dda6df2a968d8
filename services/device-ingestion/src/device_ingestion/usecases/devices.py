"""The device register: create, list, read, change, re-key and delete devices, each in the
caller's places, each write audited; the token directory forgets what changed."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from device_ingestion.api.schemas import DeviceCreate, DeviceUpdate
from device_ingestion.attribute_updates import AttributeUpdates, attribute_update
from device_ingestion.db.models import devices, firmware_packages, firmware_type_assignments
from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.domain.firmware import shared_attributes
from device_ingestion.energy import mark_all_dirty
from device_ingestion.ingest.directory import DeviceDirectory, hash_token, new_token
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal, ensure_in_scope, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, NotFound, Problem
from sc_core.places.defaults import community_of_grants

# Roles: who manages devices, who may see them, who may send them commands.
DEVICE_ADMIN = ("platform_admin", "community_admin", "property_manager")
DEVICE_READ = (*DEVICE_ADMIN, "property_staff", "grid_worker", "gov_officer", "police")
COMMANDERS = (*DEVICE_ADMIN, "property_staff")


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
        raise NotFound("device.not_found", "There is no such device", zh="找不到该设备")
    place_scope(principal, row, roles)
    return row


async def insert_device(uow: UnitOfWork, values: dict[str, Any], token: str) -> Any:
    values = {**values, "id": uuid.uuid4(), "token_hash": hash_token(token)}
    try:
        async with uow.session.begin_nested():
            return (
                await uow.session.execute(devices.insert().values(**values).returning(devices))
            ).one()
    except IntegrityError as exc:
        if "uq_devices_meter_no" in str(exc.orig):
            raise meter_no_taken(values["meter_no"]) from exc
        raise Conflict(
            "device.name_taken",
            f"The community already has a device named {values['name']!r}",
            zh=f"本社区已有名为「{values['name']}」的设备",
        ) from exc


def meter_no_taken(meter_no: str) -> Conflict:
    return Conflict(
        "device.meter_no_taken",
        f"Another meter of this type already has the number {meter_no!r}",
        zh=f"已有同类表计使用表号「{meter_no}」",
    )


async def type_firmware(uow: UnitOfWork, community_id: str, device_type: str) -> Any:
    """The firmware package assigned to a device type in a community, or None."""
    a = firmware_type_assignments.c
    query = (
        select(firmware_packages)
        .join(firmware_type_assignments, a.firmware_id == firmware_packages.c.id)
        .where(a.community_id == community_id, a.device_type == device_type)
    )
    return (await uow.session.execute(query)).first()


class Devices:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        directory: DeviceDirectory,
        attribute_updates: AttributeUpdates,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.directory = directory
        self.attribute_updates = attribute_updates

    def _is_meter(self, device_type: str) -> bool:
        spec = self.catalogue.get(device_type)
        return spec is not None and spec.counter is not None

    async def create(self, who: Caller, body: DeviceCreate) -> tuple[Any, str]:
        """The new device's row and its access token (shown once). ``community_id`` left
        out: the one community the caller manages devices in (issue 19 item 2)."""
        community_id = community_of_grants(who.principal, body.community_id, roles=DEVICE_ADMIN)
        body = body.model_copy(update={"community_id": community_id})
        place_scope(who.principal, body, DEVICE_ADMIN)
        if self.catalogue.get(body.device_type) is None:
            raise Problem(
                422,
                "device.unknown_type",
                f"No device type {body.device_type!r}",
                zh="没有这种设备类型",
            )
        token = new_token()
        async with self.db.uow() as uow:
            values = body.model_dump()
            package = await type_firmware(uow, community_id, body.device_type)
            if package is not None:  # told at once of its type's firmware
                values["shared_attributes"] = shared_attributes(package)
            row = await insert_device(uow, values, token)
            await uow.audit(who, "device.create", "device", str(row.id), community_id=community_id)
            await uow.commit()
        return row, token

    async def list(
        self, who: Caller, filters: dict[str, str | None], q: str | None, paging: PageParams
    ) -> tuple[Any, int]:
        """Devices in the caller's places matching ``filters`` (column name -> value) and
        whose name starts with ``q``, by name."""
        query = select(devices).where(device_scope(who.principal, DEVICE_READ))
        for name, value in filters.items():
            if value is not None:
                query = query.where(devices.c[name] == value)
        if q:
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(devices.c.name.like(f"{escaped}%", escape="\\"))
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(
                uow.session, query.order_by(devices.c.name, devices.c.id), paging, rows=True
            )

    async def get(self, who: Caller, device_id: uuid.UUID) -> Any:
        async with self.db.uow(read_only=True) as uow:
            return await load_device(uow, device_id, who.principal, DEVICE_READ)

    async def update(self, who: Caller, device_id: uuid.UUID, body: DeviceUpdate) -> Any:
        async with self.db.uow() as uow:
            row = await load_device(uow, device_id, who.principal, DEVICE_ADMIN)
            changes = body.model_dump(exclude_unset=True)
            moved = {**row._mapping, **changes}
            place_scope(who.principal, SimpleNamespace(**moved), DEVICE_ADMIN)
            if self._is_meter(row.device_type):  # its energy may now count elsewhere
                await mark_all_dirty(uow.session, row.community_id)
            updated = await self._write(uow, who, row, "device.update", changes)
        if "shared_attributes" in changes:  # told to the device once committed
            update = attribute_update(row.shared_attributes, updated.shared_attributes)
            await self.attribute_updates.changed(row.id, update)
        return updated

    async def rotate_token(self, who: Caller, device_id: uuid.UUID) -> tuple[Any, str]:
        """A new access token for the device; the old one stops working."""
        token = new_token()
        async with self.db.uow() as uow:
            row = await load_device(uow, device_id, who.principal, DEVICE_ADMIN)
            changes = {"token_hash": hash_token(token)}
            return await self._write(uow, who, row, "device.rotate_token", changes), token

    async def delete(self, who: Caller, device_id: uuid.UUID) -> None:
        async with self.db.uow() as uow:
            row = await load_device(uow, device_id, who.principal, DEVICE_ADMIN)
            await uow.session.execute(delete(devices).where(devices.c.id == device_id))
            if self._is_meter(row.device_type):
                await mark_all_dirty(uow.session, row.community_id)
            await uow.audit(
                who, "device.delete", "device", str(device_id), community_id=row.community_id
            )
            await uow.commit()
        self.directory.forget()

    async def _write(
        self, uow: UnitOfWork, who: Caller, row: Any, action: str, values: dict[str, Any]
    ) -> Any:
        """Change a device row, audit it, commit, and drop the cached token directory."""
        try:
            updated = (
                await uow.session.execute(
                    update(devices)
                    .where(devices.c.id == row.id)
                    .values(**values, updated_at=func.now())
                    .returning(devices)
                )
            ).one()
        except IntegrityError as exc:  # the unit of work rolls back
            if "uq_devices_meter_no" not in str(exc.orig):
                raise
            raise meter_no_taken(values.get("meter_no") or "") from exc
        await uow.audit(who, action, "device", str(row.id), community_id=row.community_id)
        await uow.commit()
        self.directory.forget()
        return updated
