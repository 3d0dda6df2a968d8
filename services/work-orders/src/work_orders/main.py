"""The composition of work-orders: every part built once, in order, typed; then the app.

settings -> runtime (database, producer, relay, auditor: built, not connected) -> the
place directory and the object store -> the use cases -> the consumers and jobs that
call them -> the app with its routers. Nothing is filled in later; the database is
migrated when the app starts, before anything uses it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from sc_core.places import Places
from sc_core.privacy import configure_cipher
from sc_core.service import Runtime, create_service_app
from work_orders import consumers
from work_orders.api import (
    attachments,
    case_types,
    open311,
    open311_admin,
    patrol_results,
    patrol_rounds,
    patrol_routes,
    staff_skills,
    stats,
    work_orders,
)
from work_orders.config import Settings
from work_orders.db.models import PLACES, metadata
from work_orders.storage import object_store
from work_orders.usecases import (
    Attachments,
    Cases,
    CaseTypes,
    GeoReport,
    Lifecycle,
    Open311Clients,
    Open311Places,
    Patrols,
    SlaSweeper,
    StaffSkills,
    Stats,
    UseCases,
)
from work_orders.usecases.attachments import Quota
from work_orders.usecases.city_tasks import CityTasks

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    work_orders.router,
    attachments.router,
    case_types.router,
    staff_skills.router,
    patrol_routes.router,
    patrol_rounds.router,
    patrol_results.router,
    stats.router,
    open311.router,
    open311_admin.router,
]


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    """The runtime and the use cases, with their consumers and jobs registered."""
    runtime = Runtime(settings, metadata)
    configure_cipher(settings)  # an Open311 filer's contact is encrypted at rest
    places = Places(PLACES)
    lifecycle = Lifecycle()
    cases = Cases(runtime.db, places, lifecycle)
    usecases = UseCases(
        cases=cases,
        attachments=Attachments(
            runtime.db,
            object_store(settings),
            Quota(
                settings.attachment_unlinked_max_count,
                settings.attachment_unlinked_max_bytes,
                timedelta(seconds=settings.attachment_unlinked_ttl_s),
            ),
        ),
        case_types=CaseTypes(runtime.db),
        staff_skills=StaffSkills(runtime.db),
        stats=Stats(runtime.db),
        patrols=Patrols(runtime.db, lifecycle),
        sla=SlaSweeper(
            runtime.db,
            lifecycle,
            reminder_before=timedelta(minutes=settings.sla_reminder_before_minutes),
            batch=settings.sla_batch,
        ),
        georeport=GeoReport(
            runtime.db,
            places,
            lifecycle,
            rate_limit=settings.open311_rate_limit,
            rate_window_s=settings.open311_rate_window_s,
        ),
        open311_clients=Open311Clients(runtime.db),
        open311_places=Open311Places(runtime.db),
    )
    consumers.register(runtime, cases, places, CityTasks(places, lifecycle))
    runtime.every(settings.sla_sweep_interval_s, "sla-sweeper", usecases.sla.run)
    runtime.every(settings.patrol_sweep_interval_s, "patrol-rounds", usecases.patrols.run)
    runtime.every(
        settings.attachment_sweep_interval_s,
        "unlinked-attachments",
        usecases.attachments.expire_unlinked,
    )
    return runtime, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    app = create_service_app(
        settings,
        title="work-orders",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        resources=[usecases.attachments.store],
    )
    app.state.usecases = usecases
    return app
