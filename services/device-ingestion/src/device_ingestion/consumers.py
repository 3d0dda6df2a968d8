"""Event subscriptions: command requests from other services on device.commands.v1, and
the storage of telemetry.readings.v1 (a batch consumer: whole polls, one transaction)."""

from __future__ import annotations

from device_ingestion.config import Settings
from device_ingestion.usecases.command_requests import CommandRequests
from device_ingestion.usecases.storage import Storage
from sc_contracts.events import DeviceCommandRequestedV1, TelemetryRecordedV1
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime


def register(
    runtime: Runtime, settings: Settings, requests: CommandRequests, storage: Storage
) -> None:
    commands = runtime.consumer(name="commands")

    @commands.on(DeviceCommandRequestedV1)
    async def on_command(event: DeviceCommandRequestedV1, uow: UnitOfWork) -> None:
        await requests.carry_out(event)

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
