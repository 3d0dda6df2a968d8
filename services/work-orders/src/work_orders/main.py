"""create_app(settings): the work-orders service app with its consumer and periodic jobs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from sc_core.service import Runtime, create_service_app
from sc_core.settings import ServiceSettings
from work_orders import patrols, sla
from work_orders.api import admin, attachments, stats, work_orders
from work_orders.api import patrols as patrol_api
from work_orders.api.deps import Parts
from work_orders.config import Settings
from work_orders.consumers import register
from work_orders.db.models import metadata
from work_orders.events import Topics
from work_orders.storage import object_store

MIGRATIONS = Path(__file__).parent / "db" / "migrations"


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or Settings()
    assert isinstance(settings, Settings)
    topics = Topics(settings.workorder_topic, settings.notification_topic)
    parts = Parts(settings=settings, topics=topics, store=object_store(settings))

    async def start(runtime: Runtime) -> None:
        await parts.store.start()
        db = runtime.db
        assert db is not None
        reminder = timedelta(minutes=settings.sla_reminder_before_minutes)

        async def sla_job() -> None:
            await sla.sweep(db, topics, reminder_before=reminder, batch=settings.sla_batch)

        async def patrol_job() -> None:
            await patrols.close_ended_rounds(db, topics)

        runtime.every(settings.sla_sweep_interval_s, "sla-sweeper", sla_job)
        runtime.every(settings.patrol_sweep_interval_s, "patrol-rounds", patrol_job)

    async def stop(runtime: Runtime) -> None:
        await parts.store.close()

    app = create_service_app(
        settings,
        title="work-orders",
        metadata=metadata,
        migrations_dir=MIGRATIONS,
        routers=[
            work_orders.router,
            attachments.router,
            admin.router,
            patrol_api.router,
            stats.router,
        ],
        consumers=register(topics, settings.alarm_topic, settings.identity_topic),
        on_start=[start],
        on_stop=[stop],
    )
    app.state.parts = parts
    return app
