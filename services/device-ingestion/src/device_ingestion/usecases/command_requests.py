"""Command requests from other services (identity's door openings, alarm's voice
warnings ...): ``DeviceCommandRequestedV1`` -> a stored command, delivered; a request for
a device this service does not have is announced as failed."""

from __future__ import annotations

import logging
import uuid

from device_ingestion.commands.service import CommandService
from device_ingestion.domain.catalogue import Catalogue
from device_ingestion.ingest.directory import DeviceDirectory
from sc_contracts.events import DeviceCommandRequestedV1

log = logging.getLogger(__name__)


class CommandRequests:
    def __init__(
        self, directory: DeviceDirectory, catalogue: Catalogue, commands: CommandService
    ) -> None:
        self.directory = directory
        self.catalogue = catalogue
        self.commands = commands

    async def carry_out(self, data: DeviceCommandRequestedV1) -> None:
        """Idempotent on ``command_id``: a redelivery finds the command it created. The
        command's own units of work commit it before it is delivered to the device."""
        try:
            device = await self.directory.by_id(uuid.UUID(data.device_id))
        except ValueError:
            device = None
        if device is None or (data.community_id and data.community_id != device.community_id):
            log.warning("command %s: no device %s here; dropped", data.command_id, data.device_id)
            # the requester learns it (a broadcast to a speaker nobody registered is not "sent")
            await self.commands.refuse_unknown(data, "device.unknown: no such device here")
            return
        kind = self.catalogue.get(device.device_type)
        refusal = None
        if kind is not None and kind.commands and data.command not in kind.commands:
            refusal = (
                f"command.unknown_method: {device.device_type} takes {', '.join(kind.commands)}"
            )
            log.warning("command %s: %s", data.command_id, refusal)
        await self.commands.create(
            device,
            data.command,
            dict(data.params),
            source=f"event:{data.requested_by_service}",
            requested_by=data.requested_by,
            expires_at=data.expires_at,
            request_event_id=data.command_id,
            refusal=refusal,
        )
