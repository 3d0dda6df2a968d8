"""The evaluation service on a real PostgreSQL and Kafka for one test module: its own
topics (TOPIC_NAMES), consumer group and database; a producer to send the events other
services publish; an HTTP client on the app."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaProducer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from evaluation.config import Settings
from evaluation.main import MIGRATIONS, build, create_app
from evaluation.usecases import UseCases
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.migrate import upgrade
from sc_core.service import Runtime
from sc_devinfra.topics import create_topic


@dataclass
class Harness:
    app: FastAPI
    client: AsyncClient
    issuer: LocalIssuer
    settings: Settings
    producer: AIOKafkaProducer

    async def send(
        self, topic: str, event_type: str, data: BaseModel, key: str, id: str | None = None
    ) -> str:
        """Publish ``data`` on the module's copy of the catalogue topic ``topic`` (``id``:
        again, as a redelivery)."""
        event = CloudEvent.create(event_type, "test", data, subject=key, id=id)
        await self.producer.send_and_wait(
            self.settings.topic(topic), event.body(), key=key.encode(), headers=event.headers()
        )
        return event.id


@asynccontextmanager
async def harness_of(
    topics: Iterable[str],
    *,
    database_url: str,
    bootstrap: str,
    idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
    **settings: Any,
) -> AsyncIterator[Harness]:
    suffix = uuid.uuid4().hex[:8]
    names = tuple(topics)
    s = Settings(
        environment="test",
        database_url=database_url,
        kafka_bootstrap_servers=bootstrap,
        kafka_enable_idempotence=idempotence,
        jwks_url=jwks_url,
        kafka_consumer_group=f"evaluation-h{suffix}",
        topic_names={name: f"{name[: -len('.v1')]}.h{suffix}" for name in names},
        audit_topic=f"audit.records.h{suffix}",
        outbox_poll_interval_ms=50,
        log_level="WARNING",
        **settings,
    )
    for topic in (*map(s.topic, names), s.audit_topic):
        await create_topic(bootstrap, topic, partitions=2)
    app = create_app(s)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
            AsyncClient(transport=transport, base_url="http://evaluation") as client,
        ):
            yield Harness(app, client, issuer, s, producer)
    finally:
        await producer.stop()


async def offline(database_url: str) -> tuple[Settings, Runtime, UseCases]:
    """The service's composition on a migrated database and no broker: nothing is sent,
    what it publishes stays in its outbox. The caller disposes of ``runtime.db``."""
    settings = Settings(
        environment="test",
        database_url=database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        jwks_url="http://127.0.0.1:1/jwks",
    )
    await upgrade(MIGRATIONS, settings.database_url)
    runtime, usecases = build(settings)
    return settings, runtime, usecases
