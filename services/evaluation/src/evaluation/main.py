"""The composition of evaluation: runtime -> use cases -> consumers (KPIs from work-order,
alarm and notification events; the place directory from identity's) -> app (KPIs,
surveys, indices, reports)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from evaluation import consumers
from evaluation.api import indices, kpis, reports, survey_answered, surveys
from evaluation.config import Settings
from evaluation.db.models import metadata
from evaluation.usecases import UseCases
from evaluation.usecases.indices import Indices
from evaluation.usecases.kpis import Kpis
from evaluation.usecases.month_end import MonthEnd
from evaluation.usecases.places import Communities
from evaluation.usecases.reminders import Reminders
from evaluation.usecases.reports import Reports
from evaluation.usecases.surveys import Surveys
from sc_core.privacy import configure_cipher
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [kpis.router, surveys.router, survey_answered.router, indices.router, reports.router]


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    runtime = Runtime(settings, metadata)
    db, version = runtime.db, settings.index_method
    # anonymous responses are stored under a blind index of who answered (HMAC, keyed)
    cipher = configure_cipher(settings)
    usecases = UseCases(
        kpis=Kpis(db),
        indices=Indices(db, version),
        reports=Reports(db, version),
        surveys=Surveys(db, cipher),
        reminders=Reminders(db, cipher),
        communities=Communities(db),
        month_end=MonthEnd(db, version, settings.month_end_grace_s),
    )
    consumers.register(runtime)
    # the non-respondents of open surveys, on each reminder round (once per round)
    runtime.every(settings.survey_reminder_sweep_s, "survey-reminders", usecases.reminders.send_due)
    # last month's indices of every community, once the month has ended (once per month)
    runtime.every(settings.month_end_sweep_s, "month-end-indices", usecases.month_end.run)
    return runtime, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    app = create_service_app(
        settings, title="evaluation", runtime=runtime, migrations_dir=MIGRATIONS, routers=ROUTERS
    )
    app.state.usecases = usecases
    return app
