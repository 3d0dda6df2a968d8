"""The composition of care: settings -> runtime -> the place directory -> the use cases ->
the consumers that call them -> the app with its routers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from care import consumers
from care.api import people, vitals
from care.config import Settings
from care.db.models import PLACES, metadata
from care.usecases import Records, UseCases, Vitals
from sc_core.places import Places
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [people.router, vitals.router]


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    runtime = Runtime(settings, metadata)
    places = Places(PLACES)
    usecases = UseCases(records=Records(runtime.db, places), vitals=Vitals(runtime.db))
    consumers.register(runtime, usecases.vitals, places)
    return runtime, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    app = create_service_app(
        settings, title="care", runtime=runtime, migrations_dir=MIGRATIONS, routers=ROUTERS
    )
    app.state.usecases = usecases
    return app
