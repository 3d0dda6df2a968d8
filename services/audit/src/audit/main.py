"""The composition of the audit store: runtime -> partitions -> record store, trail,
maintenance job -> consumer -> app (the trail's API)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from audit import consumers
from audit.api import export, records
from audit.config import Settings
from audit.db.models import metadata
from audit.db.store import PartitionKeeper
from audit.maintenance import MaintenanceJob
from audit.usecases import UseCases
from audit.usecases.records import RecordStore
from audit.usecases.trail import Trail
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [records.router, export.router]


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    runtime = Runtime(settings, metadata)
    partitions = PartitionKeeper()
    usecases = UseCases(
        partitions=partitions,
        records=RecordStore(runtime.db, partitions),
        trail=Trail(runtime.db, settings),
        maintenance=MaintenanceJob(settings, runtime.db, partitions),
    )
    consumers.register(runtime, settings, usecases.records)
    return runtime, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    app = create_service_app(
        settings,
        title="Audit store",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        resources=[usecases.maintenance],  # at start (after the migrations), then periodic
    )
    app.state.usecases = usecases
    return app
