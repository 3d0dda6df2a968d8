"""create_app(settings): the FastAPI app of device-ingestion with its background parts."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI

from device_ingestion.api import (
    commands,
    device_api,
    devices,
    energy,
    mqtt_auth,
    provision,
    queries,
    stats,
)
from device_ingestion.api.deps import Parts
from device_ingestion.commands.service import CommandService
from device_ingestion.config import Settings
from device_ingestion.consumers import register
from device_ingestion.db.models import metadata
from device_ingestion.domain.buckets import Bucketer
from device_ingestion.domain.catalogue import load_catalogue
from device_ingestion.energy import meter_keys, refresh
from device_ingestion.ingest.consumer import StorageConsumer
from device_ingestion.ingest.directory import DeviceDirectory
from device_ingestion.ingest.publisher import TelemetryPublisher
from device_ingestion.ingest.service import source
from device_ingestion.ingest.storage import PartitionKeeper
from device_ingestion.mqtt.runner import Mqtt
from device_ingestion.retention import maintain_partitions
from device_ingestion.status import sweep_offline
from sc_core.kafka import kafka_client_options
from sc_core.service import Runtime, create_service_app
from sc_core.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
log = logging.getLogger(__name__)


class Background:
    """The storage consumer and MQTT; started after the database is migrated."""

    def __init__(self) -> None:
        self.storage: StorageConsumer | None = None
        self.extra_stops: list[Callable[[], Awaitable[None]]] = []

    async def stop(self) -> None:
        for stop in reversed(self.extra_stops):
            with contextlib.suppress(Exception):
                await stop()
        if self.storage is not None:
            await self.storage.stop()


def create_app(settings: ServiceSettings) -> FastAPI:
    assert isinstance(settings, Settings)
    parts = Parts(
        settings=settings,
        catalogue=load_catalogue(settings.device_types_file),
        bucketer=Bucketer(settings.community_timezone),
    )
    background = Background()
    mqtt = Mqtt(settings)

    def prepare(runtime: Runtime) -> None:
        """The parts routes and consumers share (the database exists by now)."""
        assert runtime.db is not None and runtime.producer is not None
        if parts.directory is None:
            parts.directory = DeviceDirectory(runtime.db)
            parts.publisher = TelemetryPublisher(
                runtime.producer,
                settings.telemetry_topic,
                source(parts),
                timeout=settings.telemetry_ack_timeout_s,
            )
            parts.commands = CommandService(
                runtime.db,
                settings.command_default_timeout_s,
                result_topic=settings.command_result_topic,
                source=source(parts),
            )

    async def start(runtime: Runtime) -> None:
        prepare(runtime)
        assert runtime.db is not None and isinstance(parts.commands, CommandService)
        if settings.storage_enabled:
            background.storage = StorageConsumer(
                db=runtime.db,
                bootstrap_servers=settings.kafka_bootstrap_servers,
                topic=settings.telemetry_topic,
                group_id=settings.storage_group or f"{settings.consumer_group}.storage",
                dlq_producer=runtime.producer,
                bucketer=parts.bucketer,
                status_topic=settings.status_topic,
                source=source(parts),
                max_batch=settings.storage_max_batch,
                passage_topic=settings.passage_topic,
                meters=meter_keys(parts.catalogue)[:2],
                client_options=kafka_client_options(settings),
            )
            await background.storage.start()
        db = runtime.db

        async def sweep() -> None:
            await sweep_offline(
                db, parts.catalogue, topic=settings.status_topic, source=source(parts)
            )

        async def refresh_energy() -> None:
            await refresh(db, parts.catalogue)

        keeper = background.storage.partitions if background.storage else PartitionKeeper()

        async def maintain() -> None:
            await maintain_partitions(
                db.engine,
                keeper,
                retention_days=settings.telemetry_retention_days,
                months_ahead=settings.partitions_ahead_months,
            )

        try:  # the months ahead exist from the start; then once per interval
            await maintain()
        except Exception:
            log.exception("telemetry partitions: maintenance at start failed")
        runtime.every(settings.partition_maintenance_interval_s, "telemetry-partitions", maintain)
        runtime.every(settings.status_sweep_interval_s, "status-sweeper", sweep)
        runtime.every(settings.energy_refresh_interval_s, "energy-refresh", refresh_energy)
        runtime.every(settings.command_sweep_interval_s, "command-expiry", parts.commands.expire)
        if mqtt.enabled:
            background.extra_stops.append(mqtt.stop)
            try:
                await mqtt.start(parts, runtime.db)
            except OSError as exc:  # e.g. the embedded broker's port is taken
                log.error("mqtt: not started (%s); HTTP only; /readyz says so", exc)
                return
            assert mqtt.bridge is not None
            parts.commands.mqtt_send = mqtt.bridge.publish_rpc
            mqtt.bridge.on_rpc_response = parts.commands.complete

    async def stop(runtime: Runtime) -> None:
        await background.stop()

    app = create_service_app(
        settings,
        title="device-ingestion",
        metadata=metadata,
        migrations_dir=MIGRATIONS,
        routers=[
            devices.router,
            provision.router,
            queries.router,
            energy.router,
            commands.router,
            mqtt_auth.router,
            stats.router,
            device_api.router,
        ],
        consumers=register(parts, prepare, settings.command_topic),
        on_start=[start],
        on_stop=[stop],
        readiness={mqtt.readiness_name: mqtt.ready} if mqtt.enabled else None,
    )
    app.state.parts = parts
    app.state.background = background
    app.state.mqtt = mqtt
    return app
