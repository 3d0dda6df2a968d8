"""Firmware over the air: staff upload packages of a device type and assign them to the
type (in a community) or to devices; devices are told through their ``fw_*`` shared
attributes (pushed like any shared attribute), fetch the package in chunks and report
``fw_state``, which is kept per device and counted per package (the rollout)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.exc import IntegrityError

from device_ingestion.attribute_updates import AttributeUpdates
from device_ingestion.db.models import devices, firmware_packages, firmware_type_assignments
from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.domain.firmware import CHECKSUM_ALGORITHM, QUEUED, shared_attributes
from device_ingestion.domain.readings import Report
from device_ingestion.ingest.directory import DeviceRef
from device_ingestion.ingest.firmware_files import FirmwareFiles
from device_ingestion.usecases.devices import DEVICE_ADMIN, DEVICE_READ, place_scope
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, ensure_in_scope, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, NotFound, Problem
from sc_core.places.defaults import community_of_grants
from sc_core.storage import ObjectStore

log = logging.getLogger(__name__)


def assigned_firmware() -> Any:
    """The package a device row is to run: its own, else its type's in its community."""
    d = devices.c
    by_type = (
        select(firmware_type_assignments.c.firmware_id)
        .where(
            firmware_type_assignments.c.community_id == d.community_id,
            firmware_type_assignments.c.device_type == d.device_type,
        )
        .scalar_subquery()
    )
    return func.coalesce(d.firmware_id, by_type)


def not_found() -> NotFound:
    return NotFound("firmware.not_found", "There is no such firmware package", zh="找不到该固件包")


class Firmware:
    def __init__(
        self,
        db: Database,
        catalogue: Catalogue,
        store: ObjectStore,
        attribute_updates: AttributeUpdates,
    ) -> None:
        self.db = db
        self.catalogue = catalogue
        self.files = FirmwareFiles(store)
        self.attribute_updates = attribute_updates

    # -- staff ------------------------------------------------------------------------------

    async def upload(
        self,
        who: Caller,
        data: bytes,
        *,
        title: str,
        version: str,
        device_type: str,
        community_id: str | None,
        checksum: str | None,
        checksum_algorithm: str,
    ) -> Any:
        """Store a package; its SHA-256 is computed and, when the uploader gave one,
        checked (422 ``firmware.checksum_mismatch``)."""
        community = community_of_grants(who.principal, community_id, roles=DEVICE_ADMIN)
        ensure_in_scope(who.principal, community_id=community, roles=DEVICE_ADMIN)
        if self.catalogue.get(device_type) is None:
            raise Problem(
                422, "device.unknown_type", f"No device type {device_type!r}", zh="没有这种设备类型"
            )
        if checksum_algorithm.upper() != CHECKSUM_ALGORITHM:
            raise Problem(
                422,
                "firmware.checksum_algorithm_unsupported",
                "The checksum algorithm must be SHA256",
                zh="校验算法须为 SHA256",
            )
        if not data:
            raise Problem(422, "firmware.empty", "The firmware file is empty", zh="固件文件是空的")
        digest = hashlib.sha256(data).hexdigest()
        if checksum is not None and checksum.strip().lower() != digest:
            raise Problem(
                422,
                "firmware.checksum_mismatch",
                "The file's SHA-256 is not the checksum given: the upload is damaged or the "
                "checksum is wrong",
                zh="文件的 SHA-256 与所给校验值不一致：上传的文件已损坏或校验值有误",
                computed=digest,
            )
        package_id = uuid.uuid4()
        key = f"firmware/{community}/{package_id}.bin"
        values = {
            "id": package_id,
            "community_id": community,
            "device_type": device_type,
            "title": title,
            "version": version,
            "checksum_algorithm": CHECKSUM_ALGORITHM,
            "checksum": digest,
            "size": len(data),
            "storage_key": key,
            "uploaded_by": who.subject,
        }
        async with self.db.uow() as uow:
            await self.files.put(key, data)
            try:
                async with uow.session.begin_nested():
                    row = (
                        await uow.session.execute(
                            firmware_packages.insert().values(**values).returning(firmware_packages)
                        )
                    ).one()
            except IntegrityError as exc:
                await self.files.delete(key)
                raise Conflict(
                    "firmware.version_taken",
                    f"The community already has firmware {title!r} version {version!r}",
                    zh=f"本社区已有固件「{title}」的 {version} 版本",
                ) from exc
            await uow.audit(
                who,
                "firmware.upload",
                "firmware",
                str(package_id),
                community_id=community,
                detail={"title": title, "version": version, "size": str(len(data))},
            )
            await uow.commit()
        return row

    async def list(
        self,
        who: Caller,
        community_id: str | None,
        device_type: str | None,
        paging: PageParams,
    ) -> tuple[Any, int]:
        c = firmware_packages.c
        query = select(firmware_packages).where(
            scope_clause(who.principal, community_col=c.community_id, roles=DEVICE_READ)
        )
        if community_id is not None:
            query = query.where(c.community_id == community_id)
        if device_type is not None:
            query = query.where(c.device_type == device_type)
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(
                uow.session, query.order_by(c.created_at.desc(), c.id), paging, rows=True
            )

    async def get(self, who: Caller, package_id: uuid.UUID) -> Any:
        async with self.db.uow(read_only=True) as uow:
            return await self._load(uow, who, package_id, DEVICE_READ)

    async def assign(
        self, who: Caller, package_id: uuid.UUID, device_ids: Sequence[uuid.UUID] | None
    ) -> int:
        """Assign the package to the listed devices (each in the caller's places, of the
        package's type and community), or with no list to its device type in its community
        (every such device without a package of its own). Each device is told through its
        ``fw_*`` shared attributes; its firmware state starts again (QUEUED). How many
        devices were told."""
        async with self.db.uow() as uow:
            package = await self._load(uow, who, package_id, DEVICE_ADMIN)
            d = devices.c
            if device_ids is None:
                await uow.session.execute(
                    insert(firmware_type_assignments)
                    .values(
                        community_id=package.community_id,
                        device_type=package.device_type,
                        firmware_id=package.id,
                    )
                    .on_conflict_do_update(
                        index_elements=["community_id", "device_type"],
                        set_={"firmware_id": package.id, "assigned_at": func.now()},
                    )
                )
                where = and_(
                    d.community_id == package.community_id,
                    d.device_type == package.device_type,
                    d.firmware_id.is_(None),
                )
                target = "device_type"
            else:
                await self._check_devices(uow, who, package, device_ids)
                where = d.id.in_(list(device_ids))
                target = "devices"
            attrs = shared_attributes(package)
            told = list(
                await uow.session.scalars(
                    update(devices)
                    .where(where)
                    .values(
                        shared_attributes=d.shared_attributes.op("||")(literal(attrs, type_=JSONB)),
                        fw_state=None,
                        fw_error=None,
                        fw_state_at=None,
                        updated_at=func.now(),
                        **({"firmware_id": package.id} if device_ids is not None else {}),
                    )
                    .returning(d.id)
                )
            )
            await uow.audit(
                who,
                "firmware.assign",
                "firmware",
                str(package.id),
                community_id=package.community_id,
                detail={"target": target, "devices": str(len(told))},
            )
            await uow.commit()
        for device_id in told:  # told to each device once committed
            await self.attribute_updates.changed(device_id, attrs)
        return len(told)

    async def rollout(self, who: Caller, package_id: uuid.UUID) -> tuple[Any, dict[str, int]]:
        """The package and how many devices that are to run it are in each state."""
        async with self.db.uow(read_only=True) as uow:
            package = await self._load(uow, who, package_id, DEVICE_READ)
            state = func.coalesce(devices.c.fw_state, QUEUED)
            query = (
                select(state, func.count())
                .where(
                    assigned_firmware() == package.id,
                    scope_clause(
                        who.principal,
                        community_col=devices.c.community_id,
                        building_col=devices.c.building_id,
                        unit_col=devices.c.unit_id,
                        household_col=devices.c.household_id,
                        roles=DEVICE_READ,
                    ),
                )
                .group_by(state)
            )
            counts = {s: int(n) for s, n in (await uow.session.execute(query)).all()}
        return package, counts

    async def _load(
        self, uow: UnitOfWork, who: Caller, package_id: uuid.UUID, roles: tuple[str, ...]
    ) -> Any:
        row = (
            await uow.session.execute(
                select(firmware_packages).where(firmware_packages.c.id == package_id)
            )
        ).first()
        if row is None:
            raise not_found()
        ensure_in_scope(who.principal, community_id=row.community_id, roles=roles)
        return row

    async def _check_devices(
        self, uow: UnitOfWork, who: Caller, package: Any, device_ids: Sequence[uuid.UUID]
    ) -> None:
        rows = (
            await uow.session.execute(select(devices).where(devices.c.id.in_(list(device_ids))))
        ).all()
        if len(rows) != len(set(device_ids)):
            raise NotFound(
                "device.not_found", "One of the devices does not exist", zh="有设备不存在"
            )
        for row in rows:
            place_scope(who.principal, row, DEVICE_ADMIN)
            if row.community_id != package.community_id or row.device_type != package.device_type:
                raise Problem(
                    422,
                    "firmware.incompatible",
                    f"Device {row.name!r} is not a {package.device_type} of the package's "
                    "community",
                    zh=f"设备「{row.name}」不是该固件所属社区的 {package.device_type} 设备",
                )

    # -- devices ----------------------------------------------------------------------------

    async def for_device(self, device: DeviceRef) -> Any:
        """The package the device is to run (its own, else its type's), or None."""
        d = devices.c
        query = (
            select(firmware_packages)
            .select_from(devices)
            .join(firmware_packages, firmware_packages.c.id == assigned_firmware())
            .where(d.id == device.id)
        )
        async with self.db.engine.connect() as conn:
            return (await conn.execute(query)).first()

    async def content(self, package: Any) -> bytes:
        """The package's bytes (503 ``firmware.unavailable`` when they cannot be read)."""
        return await self.files.content(package.id, package.storage_key)

    async def record_states(self, device: DeviceRef, reports: Sequence[Report]) -> None:
        """Keep the newest ``fw_state`` (and ``fw_error``) the device reported."""
        newest: Report | None = None
        for report in reports:
            if "fw_state" in report.values and (newest is None or report.ts >= newest.ts):
                newest = report
        if newest is None:
            return
        error = newest.values.get("fw_error")
        d = devices.c
        async with self.db.uow() as uow:
            await uow.session.execute(
                update(devices)
                .where(
                    d.id == device.id,
                    (d.fw_state_at.is_(None)) | (d.fw_state_at <= newest.ts),
                )
                .values(
                    fw_state=str(newest.values["fw_state"]),
                    fw_error=str(error) if error is not None else None,
                    fw_state_at=newest.ts,
                )
            )
            await uow.commit()
        if newest.values["fw_state"] == "FAILED":
            log.warning("firmware: device %s reports FAILED: %s", device.id, error)
