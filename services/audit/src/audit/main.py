"""The audit store's app: the consumer of every service's audit records, the trail's
API, and the maintenance job (partitions ahead, retention)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from audit.api import export, records
from audit.config import Settings
from audit.consumers import register
from audit.db.models import metadata
from audit.db.store import PartitionKeeper
from audit.maintenance import MaintenanceJob
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    partitions = PartitionKeeper()
    job = MaintenanceJob(settings, partitions)

    def consumers(runtime: Runtime) -> None:
        app.state.record_store = register(runtime, partitions)

    async def start_maintenance(runtime: Runtime) -> None:
        assert runtime.db is not None
        job.start(runtime.db)

    async def stop_maintenance(runtime: Runtime) -> None:
        await job.stop()

    app = create_service_app(
        settings,
        title="Audit store",
        metadata=metadata,
        migrations_dir=MIGRATIONS,
        routers=[records.router, export.router],
        consumers=consumers,
        on_start=[start_maintenance],
        on_stop=[stop_maintenance],
    )
    app.state.maintenance = job
    app.state.partitions = partitions
    return app
