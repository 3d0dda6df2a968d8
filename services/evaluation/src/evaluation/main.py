"""create_app(settings): the evaluation service: KPIs, surveys and indices routers, and its
consumers (KPIs from work-order, alarm and notification events; the place directory from
identity's)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from evaluation.api import indices, kpis, reports, surveys
from evaluation.config import Settings
from evaluation.consumers import register
from evaluation.db.models import metadata
from sc_core.privacy import configure_cipher
from sc_core.service import create_service_app
from sc_core.settings import ServiceSettings

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or Settings()
    assert isinstance(settings, Settings)
    app = create_service_app(
        settings,
        title="evaluation",
        metadata=metadata,
        migrations_dir=MIGRATIONS,
        routers=[kpis.router, surveys.router, indices.router, reports.router],
        consumers=register(settings),
    )
    app.state.settings = settings
    # anonymous responses are stored under a blind index of who answered (HMAC, keyed)
    app.state.cipher = configure_cipher(settings)
    return app
