"""The notification service's app: consumers, dispatcher, stream hub and routers."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI

from notification.api import (
    broadcast,
    dev,
    feed,
    inbox,
    notifications,
    preferences,
    stream,
    stream_tickets,
    templates,
)
from notification.config import Settings
from notification.consumers import register
from notification.db.models import metadata
from notification.hub import StreamHub
from notification.parts import Parts
from sc_core.service import Runtime, create_service_app

MIGRATIONS = Path(__file__).parent / "db" / "migrations"
ROUTERS = [
    inbox.router,
    stream_tickets.router,
    stream.router,
    feed.router,
    notifications.router,
    preferences.router,
    templates.router,
    broadcast.router,
    dev.router,
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    parts = Parts(settings, StreamHub(settings.database_url))

    def consumers(runtime: Runtime) -> None:
        parts.bind(runtime)
        register(runtime, parts)

    async def start(runtime: Runtime) -> None:
        await parts.hub.start()
        dispatcher = parts.dispatcher
        runtime.tasks.append(asyncio.create_task(dispatcher.run(), name="notification-dispatch"))
        runtime.every(settings.dispatch_interval_seconds, "notification-sweep", dispatcher.sweep)
        runtime.every(3600, "notification-prune", dispatcher.prune)

    async def stop(runtime: Runtime) -> None:
        await parts.hub.stop()
        await parts.client.aclose()

    app = create_service_app(
        settings,
        title="notification",
        metadata=metadata,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        consumers=consumers,
        on_start=[start],
        on_stop=[stop],
    )
    app.state.parts = parts
    return app
