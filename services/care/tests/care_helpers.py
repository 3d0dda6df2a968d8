"""Helpers of the care tests: the app behind an HTTP client, tokens, events from the broker."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from care.config import Settings
from care.main import create_app
from sc_contracts.events import (
    AlarmRaisedV1,
    AppointmentChangedV1,
    AssessmentScoredV1,
    AuditRecordedV1,
    ChildCheckedV1,
    HouseholdChangedV1,
    NotificationRequestedV1,
    TelemetryRecordedV1,
    ThresholdBreachedV1,
    VitalsRecordedV1,
)
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually as eventually

TOPICS = [
    AlarmRaisedV1.topic,
    TelemetryRecordedV1.topic,
    NotificationRequestedV1.topic,
    VitalsRecordedV1.topic,
    ThresholdBreachedV1.topic,
    HouseholdChangedV1.topic,
    AppointmentChangedV1.topic,
    AssessmentScoredV1.topic,
    ChildCheckedV1.topic,
]


@dataclass
class Harness:
    app: FastAPI
    client: AsyncClient
    issuer: LocalIssuer
    settings: Settings

    def topic(self, name: str) -> str:
        return self.settings.topic(name)

    def user(
        self, sub: str, role: str = "resident", scope: tuple[str, str] = ("household", "h-x")
    ) -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant(role, scope[0], scope[1])])

    def doctor(self, community: str, sub: str = "u-doc") -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant("doctor", "community", community)])


async def read_events(
    bootstrap: str, topic: str, until: Callable[[list[CloudEvent]], bool], *,
    timeout: float = 30.0, settle: float = 1.0,
) -> list[CloudEvent]:  # fmt: skip
    """Events on ``topic`` once ``until`` holds, plus what arrives within ``settle`` s."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
        enable_auto_commit=False, group_id=None,
    )  # fmt: skip
    await consumer.start()
    found: list[CloudEvent] = []
    try:
        deadline = time.monotonic() + timeout
        settled_at: float | None = None
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                found += [CloudEvent.from_kafka(list(m.headers or []), m.value) for m in messages]
            if settled_at is None and until(found):
                settled_at = time.monotonic()
            if settled_at is not None and time.monotonic() - settled_at >= settle:
                break
    finally:
        await consumer.stop()
    return found


async def send_model(bootstrap: str, topic: str, data: Any, key: str) -> None:
    event = CloudEvent.of(data, source="/tests/care", subject=key)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, event.body(), key=key.encode(), headers=event.headers())
    finally:
        await producer.stop()


def make_settings(database_url: str, bootstrap: str, idempotence: bool, jwks_url: str) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    return Settings(
        environment="test", database_url=database_url, kafka_bootstrap_servers=bootstrap,
        kafka_enable_idempotence=idempotence, jwks_url=jwks_url,
        kafka_consumer_group=f"care-t{suffix}",
        topic_names={name: name.replace(".v1", f".t{suffix}") for name in TOPICS},
        audit_topic=f"audit.records.t{suffix}", outbox_poll_interval_ms=50, log_level="WARNING",
    )  # type: ignore[call-arg]  # fmt: skip


@contextlib.asynccontextmanager
async def start_harness(settings: Settings, issuer: LocalIssuer) -> AsyncIterator[Harness]:
    for topic in [*TOPICS, AuditRecordedV1.topic]:
        await create_topic(settings.kafka_bootstrap_servers, settings.topic(topic), partitions=2)
    app = create_app(settings)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        AsyncClient(transport=transport, base_url="http://care") as client,
    ):
        yield Harness(app, client, issuer, settings)
