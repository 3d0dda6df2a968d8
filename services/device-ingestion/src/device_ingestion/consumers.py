"""Event subscriptions: command requests from other services on device.commands.v1, doors
registered in identity (identity.events.v1: the door's device learns its door), and the
storage of telemetry.readings.v1 (a batch consumer: whole polls, one transaction)."""

from __future__ import annotations

from sqlalchemy import String, update

from device_ingestion.config import Settings
from device_ingestion.db.models import devices
from device_ingestion.usecases.command_requests import CommandRequests
from device_ingestion.usecases.storage import Storage
from sc_contracts.events import (
    DeviceCommandRequestedV1,
    DoorChange,
    DoorChangedV1,
    TelemetryRecordedV1,
)
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime


def register(
    runtime: Runtime, settings: Settings, requests: CommandRequests, storage: Storage
) -> None:
    commands = runtime.consumer(name="commands")

    @commands.on(DeviceCommandRequestedV1)
    async def on_command(event: DeviceCommandRequestedV1, uow: UnitOfWork) -> None:
        await requests.carry_out(event)

    doors = runtime.consumer(name="doors")

    @doors.on(DoorChangedV1)
    async def on_door(event: DoorChangedV1, uow: UnitOfWork) -> None:
        await link_door(uow, event)

    if settings.storage_enabled:
        runtime.batch_consumer(
            name="storage",
            model=TelemetryRecordedV1,
            handler=storage.handle,
            max_batch=settings.storage_max_batch,
            group_id=settings.storage_group,  # None: "<consumer group>.storage"
            poll_timeout_ms=200,
            consumer_options={  # as the storage consumer's own loop had them
                "fetch_max_wait_ms": 500,
                "fetch_max_bytes": 32 * 1024 * 1024,
                "max_partition_fetch_bytes": 8 * 1024 * 1024,
            },
        )


async def link_door(uow: UnitOfWork, event: DoorChangedV1) -> None:
    """A door registered in identity with its device: the device (of the same community)
    names that door in its passages; a removed door is unlinked. Idempotent."""
    if event.change == DoorChange.REMOVED:
        await uow.session.execute(
            update(devices).where(devices.c.door_id == event.door_id).values(door_id=None)
        )
    elif event.device_id:
        await uow.session.execute(
            update(devices)
            .where(
                devices.c.id.cast(String) == event.device_id,
                devices.c.community_id == event.community_id,
            )
            .values(door_id=event.door_id)
        )
