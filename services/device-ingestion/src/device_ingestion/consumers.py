"""Event subscriptions: command requests from other services (identity's door openings,
alarm's voice warnings ...) on device.commands.v1."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from device_ingestion.api.deps import Parts
from device_ingestion.commands.service import CommandService
from sc_contracts import validate_event_data
from sc_contracts.events.command import DeviceCommandRequestedV1
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime

log = logging.getLogger(__name__)
COMMAND_TOPIC = "device.commands.v1"
COMMAND_REQUESTED = "community.device.command_requested.v1"


def register(
    parts: Parts, prepare: Callable[[Runtime], None], topic: str = COMMAND_TOPIC
) -> Callable[[Runtime], None]:
    def _register(runtime: Runtime) -> None:
        prepare(runtime)
        consumer = runtime.consumer(name="commands", topics=[topic])

        @consumer.on(COMMAND_REQUESTED)
        async def on_command(event: CloudEvent, uow: UnitOfWork | None) -> None:
            data = validate_event_data(COMMAND_REQUESTED, event.data)
            assert isinstance(data, DeviceCommandRequestedV1)
            # idempotent on command_id: a redelivery finds the command it created
            await carry_out(parts, data)

    return _register


async def carry_out(parts: Parts, data: DeviceCommandRequestedV1) -> None:
    assert parts.directory is not None and isinstance(parts.commands, CommandService)
    try:
        device = await parts.directory.by_id(uuid.UUID(data.device_id))
    except ValueError:
        device = None
    if device is None or (data.community_id and data.community_id != device.community_id):
        log.warning("command %s: no device %s here; dropped", data.command_id, data.device_id)
        # the requester learns it (a broadcast to a speaker nobody registered is not "sent")
        await parts.commands.refuse_unknown(data, "device.unknown: no such device here")
        return
    kind = parts.catalogue.get(device.device_type)
    refusal = None
    if kind is not None and kind.commands and data.command not in kind.commands:
        refusal = f"command.unknown_method: {device.device_type} takes {', '.join(kind.commands)}"
        log.warning("command %s: %s", data.command_id, refusal)
    await parts.commands.create(
        device,
        data.command,
        dict(data.params),
        source=f"event:{data.requested_by_service}",
        requested_by=data.requested_by,
        expires_at=data.expires_at,
        request_event_id=data.command_id,
        refusal=refusal,
    )
