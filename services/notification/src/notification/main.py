"""The composition of notification: settings -> runtime (database, producer, relay,
auditor: built, not connected) -> the channel adapters, the dispatcher and the stream hub
-> the consumers -> the app with its routers. Nothing is bound later; the hub, the
dispatcher's loop and its sweeps start with the app."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
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
from notification.channels import build_adapters
from notification.config import Settings
from notification.consumers import register
from notification.db.models import metadata
from notification.hub import StreamHub
from notification.usecases import (
    AlarmFeed,
    DevSink,
    Endpoints,
    Inbox,
    Notifications,
    Preferences,
    Templates,
    UseCases,
)
from notification.usecases.dispatch import Dispatcher
from sc_core.service import Runtime, create_service_app
from sc_core.streams import StreamSlots

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


def build(settings: Settings) -> tuple[Runtime, UseCases]:
    """The runtime and the use cases with the parts they share (channel adapters on one
    HTTP client, the dispatcher, the stream hub), the consumers registered."""
    runtime = Runtime(settings, metadata)
    db = runtime.db
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(settings.provider_timeout_seconds), follow_redirects=False
    )
    adapters = build_adapters(settings, client)
    dispatcher = Dispatcher(db, settings, adapters)
    register(runtime, settings, dispatcher)
    usecases = UseCases(
        settings=settings,
        hub=StreamHub(settings.database_url),
        client=client,
        adapters=adapters,
        dispatcher=dispatcher,
        stream_slots=StreamSlots(settings.max_streams_per_caller, code="stream.too_many_streams"),
        notifications=Notifications(db, settings, dispatcher),
        inbox=Inbox(db),
        preferences=Preferences(db),
        templates=Templates(db),
        endpoints=Endpoints(db),
        feed=AlarmFeed(db, settings.alarm_feed_roles),
        dev_sink=DevSink(db),
    )
    return runtime, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, usecases = build(settings)
    dispatcher = usecases.dispatcher

    async def start(runtime: Runtime) -> None:
        await usecases.hub.start()
        runtime.tasks.append(asyncio.create_task(dispatcher.run(), name="notification-dispatch"))
        runtime.every(3600, "notification-prune", dispatcher.prune)

    async def stop(runtime: Runtime) -> None:
        await usecases.hub.stop()
        await usecases.client.aclose()

    app = create_service_app(
        settings,
        title="notification",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        on_start=[start],
        on_stop=[stop],
    )
    app.state.usecases = usecases
    return app
