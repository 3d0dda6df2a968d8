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
from notification.dispatch import Dispatcher
from notification.hub import StreamHub
from notification.parts import Parts
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


def build(settings: Settings) -> tuple[Runtime, Parts, UseCases]:
    """The runtime, the parts (channel adapters on one HTTP client, the dispatcher, the
    stream hub) and the use cases, with the consumers and periodic jobs registered."""
    runtime = Runtime(settings, metadata)
    client = httpx.AsyncClient(
        timeout=httpx.Timeout(settings.provider_timeout_seconds), follow_redirects=False
    )
    adapters = build_adapters(settings, client)
    parts = Parts(
        settings=settings,
        hub=StreamHub(settings.database_url),
        client=client,
        adapters=adapters,
        dispatcher=Dispatcher(runtime.db, settings, adapters),
        stream_slots=StreamSlots(settings.max_streams_per_caller, code="stream.too_many_streams"),
    )
    register(runtime, parts)
    db = runtime.db
    usecases = UseCases(
        notifications=Notifications(db, settings, parts.dispatcher),
        inbox=Inbox(db),
        preferences=Preferences(db),
        templates=Templates(db),
        endpoints=Endpoints(db),
        feed=AlarmFeed(db, settings.alarm_feed_roles),
        dev_sink=DevSink(db),
    )
    return runtime, parts, usecases


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, parts, usecases = build(settings)
    dispatcher = parts.dispatcher

    async def start(runtime: Runtime) -> None:
        await parts.hub.start()
        runtime.tasks.append(asyncio.create_task(dispatcher.run(), name="notification-dispatch"))
        runtime.every(settings.dispatch_interval_seconds, "notification-sweep", dispatcher.sweep)
        runtime.every(3600, "notification-prune", dispatcher.prune)

    async def stop(runtime: Runtime) -> None:
        await parts.hub.stop()
        await parts.client.aclose()

    app = create_service_app(
        settings,
        title="notification",
        runtime=runtime,
        migrations_dir=MIGRATIONS,
        routers=ROUTERS,
        on_start=[start],
        on_stop=[stop],
    )
    app.state.parts = parts
    app.state.usecases = usecases
    return app
