"""Commands people send to a device (``/api/v1/devices/{id}/commands``): checked against
the device's type, audited, stored and delivered; listed and read in the caller's places."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from device_ingestion.commands.service import CommandService
from device_ingestion.db.models import device_commands
from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.ingest.directory import DeviceRef
from device_ingestion.usecases.devices import COMMANDERS, DEVICE_READ, load_device
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import NotFound, Problem


class Commands:
    def __init__(self, db: Database, catalogue: Catalogue, service: CommandService) -> None:
        self.db = db
        self.catalogue = catalogue
        self.service = service

    async def send(
        self,
        who: Caller,
        device_id: uuid.UUID,
        method: str,
        params: dict[str, Any],
        timeout_s: int | None,
    ) -> Any:
        """The command as stored (audited first), then delivered: MQTT or the long-poll."""
        async with self.db.uow() as uow:
            row = await load_device(uow, device_id, who.principal, COMMANDERS)
            device_type = self.catalogue.get(row.device_type)
            if device_type and device_type.commands and method not in device_type.commands:
                allowed = ", ".join(device_type.commands)
                raise Problem(
                    422,
                    "command.unknown_method",
                    f"{row.device_type} takes {allowed}",
                    zh=f"这类设备只接受以下指令：{allowed}",
                )
            await uow.audit(
                who,
                "device.command",
                "device",
                str(device_id),
                community_id=row.community_id,
                detail={"method": method},
            )
            await uow.commit()
        return await self.service.create(
            DeviceRef.from_row(row),
            method,
            params,
            source="api",
            requested_by=who.subject,
            timeout_s=timeout_s,
        )

    async def list(self, who: Caller, device_id: uuid.UUID, paging: PageParams) -> tuple[Any, int]:
        async with self.db.uow(read_only=True) as uow:
            await load_device(uow, device_id, who.principal, DEVICE_READ)
            query = (
                select(device_commands)
                .where(device_commands.c.device_id == device_id)
                .order_by(device_commands.c.rpc_id.desc())
            )
            return await fetch_page(uow.session, query, paging, rows=True)

    async def get(self, who: Caller, device_id: uuid.UUID, command_id: uuid.UUID) -> Any:
        async with self.db.uow(read_only=True) as uow:
            await load_device(uow, device_id, who.principal, DEVICE_READ)
            row = (
                await uow.session.execute(
                    select(device_commands).where(
                        device_commands.c.id == command_id,
                        device_commands.c.device_id == device_id,
                    )
                )
            ).first()
        if row is None:
            raise NotFound(
                "command.not_found",
                f"No command {command_id} for this device",
                zh="找不到该设备的这条指令",
            )
        return row
