"""The composition of device-ingestion: runtime -> directory, publisher, commands ->
use cases -> consumers, jobs, MQTT -> app."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI

from device_ingestion import consumers
from device_ingestion.api import (
    commands,
    device_api,
    devices,
    energy,
    firmware,
    mqtt_auth,
    provision,
    queries,
    stats,
    utility_readings,
)
from device_ingestion.attribute_updates import AttributeUpdates
from device_ingestion.commands.service import CommandService
from device_ingestion.config import Settings
from device_ingestion.db.models import metadata
from device_ingestion.domain.buckets import Bucketer
from device_ingestion.domain.catalogue import load_catalogue
from device_ingestion.energy import meter_keys, refresh
from device_ingestion.ingest.directory import DeviceDirectory
from device_ingestion.ingest.publisher import TelemetryPublisher
from device_ingestion.mqtt.downlink import DownlinkPublisher
from device_ingestion.mqtt.runner import Mqtt
from device_ingestion.retention import maintain_partitions
from device_ingestion.status import sweep_offline
from device_ingestion.usecases import UseCases
from device_ingestion.usecases.claims import Claims
from device_ingestion.usecases.command_requests import CommandRequests
from device_ingestion.usecases.commands import Commands
from device_ingestion.usecases.devices import Devices
from device_ingestion.usecases.energy import Energy
from device_ingestion.usecases.firmware import Firmware
from device_ingestion.usecases.gateways import Gateways
from device_ingestion.usecases.ingest import Ingest
from device_ingestion.usecases.provisioning import Provisioning
from device_ingestion.usecases.storage import Storage
from device_ingestion.usecases.telemetry import TelemetryReads
from device_ingestion.usecases.utility_readings import UtilityReadings
from sc_contracts.events import DeviceDownlinkRequestedV1, TelemetryRecordedV1
from sc_core.service import Runtime, create_service_app
from sc_core.storage import object_store

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[None]]
ROUTERS = [
    devices.router,
    provision.router,
    queries.router,
    energy.router,
    commands.router,
    firmware.router,
    mqtt_auth.router,
    stats.router,
    device_api.router,
    utility_readings.router,
]


def build(settings: Settings, *, serve: bool = True) -> tuple[Runtime, UseCases]:
    """The runtime and the use cases; ``serve``: with the service's consumers and periodic
    jobs (the MQTT transport deployable has neither: ADR 0038)."""
    runtime = Runtime(settings, metadata)
    db = runtime.db
    catalogue = load_catalogue(settings.device_types_file)
    bucketer = Bucketer(settings.community_timezone)
    directory = DeviceDirectory(db)
    publisher = TelemetryPublisher(
        runtime.producer,
        settings.topic(TelemetryRecordedV1.topic),
        db.outbound.source,
        timeout=settings.telemetry_ack_timeout_s,
    )
    command_service = CommandService(db, settings.command_default_timeout_s)
    storage = Storage(db, bucketer.tz.key, meter_keys(catalogue)[:2])
    attribute_updates = AttributeUpdates()
    firmware = Firmware(db, catalogue, object_store(settings), attribute_updates)
    ingest = Ingest(settings, db, catalogue, directory, publisher, firmware)
    usecases = UseCases(
        settings=settings,
        catalogue=catalogue,
        bucketer=bucketer,
        directory=directory,
        attribute_updates=attribute_updates,
        devices=Devices(db, catalogue, directory, attribute_updates),
        claims=Claims(db, directory, settings.claim_duration_s),
        energy=Energy(db, catalogue),
        firmware=firmware,
        ingest=ingest,
        gateways=Gateways(db, catalogue, directory, ingest),
        provisioning=Provisioning(db, catalogue),
        commands=command_service,
        device_commands=Commands(db, catalogue, command_service),
        requests=CommandRequests(directory, catalogue, command_service),
        storage=storage,
        telemetry=TelemetryReads(db),
        utility_readings=UtilityReadings(settings, db, catalogue, storage),
    )
    if serve:
        serve_events(settings, runtime, usecases)
    return runtime, usecases


def serve_events(settings: Settings, runtime: Runtime, usecases: UseCases) -> None:
    """The service's consumers and periodic jobs."""
    db, catalogue, storage = runtime.db, usecases.catalogue, usecases.storage
    command_service = usecases.commands
    consumers.register(runtime, settings, usecases.requests, storage)

    async def sweep() -> None:
        await sweep_offline(db, catalogue)

    async def refresh_energy() -> None:
        await refresh(db, catalogue)

    runtime.every(
        settings.partition_maintenance_interval_s,
        "telemetry-partitions",
        maintenance(settings, runtime, storage),
    )
    runtime.every(settings.status_sweep_interval_s, "status-sweeper", sweep)
    runtime.every(settings.energy_refresh_interval_s, "energy-refresh", refresh_energy)
    runtime.every(settings.command_sweep_interval_s, "command-expiry", command_service.expire)


def downlink_publisher(settings: Settings, runtime: Runtime) -> DownlinkPublisher:
    """Where messages for devices go when the MQTT transport is its own deployable."""
    return DownlinkPublisher(
        runtime.producer,
        settings.topic(DeviceDownlinkRequestedV1.topic),
        runtime.db.outbound.source,
    )


def maintenance(settings: Settings, runtime: Runtime, storage: Storage) -> Job:
    """The telemetry partitions: the months ahead created, those past retention dropped."""

    async def maintain() -> None:
        await maintain_partitions(
            runtime.db.engine,
            storage.partitions,
            retention_days=settings.telemetry_retention_days,
            months_ahead=settings.partitions_ahead_months,
        )

    return maintain


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    mqtt = Mqtt(
        settings,
        usecases.directory,
        usecases.ingest,
        usecases.commands,
        usecases.attribute_updates,
        usecases.claims,
        usecases.provisioning,
        usecases.gateways,
        usecases.firmware,
    )
    maintain = maintenance(settings, runtime, usecases.storage)
    if not mqtt.enabled and settings.mqtt_downlink_enabled:
        # the transport runs as its own deployable: downlinks reach it through Kafka
        downlinks = downlink_publisher(settings, runtime)
        usecases.commands.mqtt_send = downlinks.rpc
        usecases.attribute_updates.listen(downlinks.attributes)

    async def start(runtime: Runtime) -> None:
        try:  # the months ahead exist from the start; then once per interval
            await maintain()
        except Exception:
            log.exception("telemetry partitions: maintenance at start failed")
        if mqtt.enabled:
            try:
                await mqtt.start()
            except OSError as exc:  # e.g. the embedded broker's port is taken
                log.error("mqtt: not started (%s); HTTP only; /readyz says so", exc)

    async def stop(runtime: Runtime) -> None:
        with contextlib.suppress(Exception):
            await mqtt.stop()

    app = create_service_app(
        settings,
        title="device-ingestion",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        on_start=[start],
        on_stop=[stop],
        resources=[usecases.firmware.files],
        readiness={mqtt.readiness_name: mqtt.ready} if mqtt.enabled else None,
    )
    app.state.usecases = usecases
    app.state.mqtt = mqtt
    return app
