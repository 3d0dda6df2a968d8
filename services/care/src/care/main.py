"""The composition of care: settings -> runtime -> the place directory -> the use cases ->
the consumers that call them -> the app with its routers."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from care import consumers
from care.api import people, visits, vitals
from care.config import Settings
from care.db.models import PLACES, metadata
from care.usecases import Records, UseCases, Vitals, Wandering, Watch
from sc_core.places import Places
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [people.router, vitals.router, visits.router]


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    runtime = Runtime(settings, metadata)
    places = Places(PLACES)
    usecases = UseCases(
        records=Records(runtime.db, places),
        vitals=Vitals(runtime.db),
        watch=Watch(runtime.db, places, ZoneInfo(settings.community_timezone)),
        wandering=Wandering(runtime.db, places),
    )
    consumers.register(runtime, usecases.vitals, usecases.watch, usecases.wandering, places)
    runtime.every(settings.watch_scan_interval_s, "watch-scan", usecases.watch.scan)
    return runtime, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    app = create_service_app(
        settings, title="care", runtime=runtime, migrations_dir=MIGRATIONS, routers=ROUTERS
    )
    app.state.usecases = usecases
    return app
