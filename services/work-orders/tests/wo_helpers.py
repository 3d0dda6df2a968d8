"""Helpers of the work-orders tests: the app behind an HTTP client, tokens for each side,
events read back from the broker."""

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
from httpx import ASGITransport, AsyncClient, Response

from sc_contracts.events import (
    AlarmRaisedV1,
    AuditRecordedV1,
    CityTaskCaseRequestedV1,
    HouseholdChangedV1,
    NotificationRequestedV1,
    OrganisationComplaintFiledV1,
    ServiceBookingRequestedV1,
    ShopFlaggedV1,
    WorkOrderChangedV1,
)
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db.engine import Database
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually as eventually
from work_orders.config import Settings
from work_orders.main import create_app
from work_orders.usecases import UseCases

# the catalogue topics work-orders publishes and reads; each test run names its own
TOPICS = [
    WorkOrderChangedV1.topic,
    NotificationRequestedV1.topic,
    AlarmRaisedV1.topic,
    HouseholdChangedV1.topic,
    ServiceBookingRequestedV1.topic,
    ShopFlaggedV1.topic,
    OrganisationComplaintFiledV1.topic,
    CityTaskCaseRequestedV1.topic,
]

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(200)
ATTACHMENTS = "/api/v1/work-order-attachments"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


@dataclass
class Harness:
    app: FastAPI
    client: AsyncClient
    issuer: LocalIssuer
    settings: Settings

    @property
    def db(self) -> Database:
        db: Database = self.app.state.runtime.db
        return db

    @property
    def usecases(self) -> UseCases:
        found: UseCases = self.app.state.usecases
        return found

    # this run's topics -----------------------------------------------------------------
    @property
    def workorder_topic(self) -> str:
        return self.settings.topic(WorkOrderChangedV1.topic)

    @property
    def notification_topic(self) -> str:
        return self.settings.topic(NotificationRequestedV1.topic)

    @property
    def alarm_topic(self) -> str:
        return self.settings.topic(AlarmRaisedV1.topic)

    @property
    def identity_topic(self) -> str:
        return self.settings.topic(HouseholdChangedV1.topic)

    @property
    def audit_topic(self) -> str:
        return self.settings.topic(AuditRecordedV1.topic)

    # tokens --------------------------------------------------------------------------
    def resident(
        self, household: str, sub: str | None = None, role: str = "resident"
    ) -> dict[str, str]:
        return self.issuer.bearer(
            sub or f"res-{household}", grants=[Grant(role, "household", household)]
        )

    def staff(
        self, community: str, sub: str = "staff-1", role: str = "property_staff"
    ) -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant(role, "community", community)])

    def admin(self) -> dict[str, str]:
        return self.issuer.bearer("root", grants=[Grant("platform_admin", "platform", "*")])

    # API -----------------------------------------------------------------------------
    async def upload(
        self,
        headers: dict[str, str],
        data: bytes = JPEG,
        name: str = "photo.jpg",
        content_type: str = "image/jpeg",
    ) -> dict[str, Any]:
        r = await self.client.post(
            "/api/v1/work-order-attachments",
            files={"file": (name, data, content_type)},
            headers=headers,
        )
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body

    async def content(self, attachment_id: str, headers: dict[str, str]) -> Response:
        return await self.client.get(f"{ATTACHMENTS}/{attachment_id}/content", headers=headers)

    async def register_staff(
        self, community: str, user: str, buildings: list[str] | None = None
    ) -> None:
        """Put ``user`` on the community's staff register (cases are assigned to them)."""
        manager = self.staff(community, sub="registrar", role="property_manager")
        r = await self.client.put(
            f"/api/v1/staff-skills/{user}",
            headers=manager,
            json={
                "community_id": community,
                "skills": ["general"],
                "building_ids": buildings or [],
            },
        )
        assert r.status_code == 200, r.text

    async def create(self, headers: dict[str, str], **body: Any) -> dict[str, Any]:
        r = await self.client.post("/api/v1/work-orders", json=body, headers=headers)
        assert r.status_code == 201, r.text
        created: dict[str, Any] = r.json()
        return created

    async def step(
        self, wo_id: str, action: str, headers: dict[str, str], expect: int = 200, **body: Any
    ) -> dict[str, Any]:
        r = await self.client.post(
            f"/api/v1/work-orders/{wo_id}/{action}", json=body, headers=headers
        )
        assert r.status_code == expect, r.text
        out: dict[str, Any] = r.json()
        return out

    async def get(self, wo_id: str, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        r = await self.client.get(f"/api/v1/work-orders/{wo_id}", headers=headers)
        return r.status_code, r.json()

    async def ids(self, headers: dict[str, str], **params: Any) -> list[str]:
        r = await self.client.get("/api/v1/work-orders", params=params, headers=headers)
        assert r.status_code == 200, r.text
        return [item["id"] for item in r.json()["items"]]


async def read_events(
    bootstrap: str,
    topic: str,
    until: Callable[[list[CloudEvent]], bool],
    *,
    key: str | None = None,
    timeout: float = 30.0,
    settle: float = 1.0,
) -> list[CloudEvent]:
    """Events on ``topic`` (from its start, optionally one key's) once ``until`` holds,
    plus whatever else arrives within ``settle`` seconds (to catch duplicates)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    found: list[CloudEvent] = []
    try:
        deadline = time.monotonic() + timeout
        settled_at: float | None = None
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for messages in batch.values():
                for m in messages:
                    if key is not None and (m.key or b"").decode() != key:
                        continue
                    found.append(CloudEvent.from_kafka(list(m.headers or []), m.value))
            if settled_at is None and until(found):
                settled_at = time.monotonic()
            if settled_at is not None and time.monotonic() - settled_at >= settle:
                break
    finally:
        await consumer.stop()
    return found


async def send_event(bootstrap: str, topic: str, event: CloudEvent, key: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, event.body(), key=key.encode(), headers=event.headers())
    finally:
        await producer.stop()


def make_settings(
    database_url: str, bootstrap: str, idempotence: bool, jwks_url: str, **overrides: object
) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, object] = {
        "environment": "test",
        "database_url": database_url,
        "kafka_bootstrap_servers": bootstrap,
        "kafka_enable_idempotence": idempotence,
        "jwks_url": jwks_url,
        "kafka_consumer_group": f"work-orders-t{suffix}",
        "topic_names": {name: name.replace(".v1", f".t{suffix}") for name in TOPICS},
        "audit_topic": f"audit.records.t{suffix}",
        "sla_sweep_interval_s": 3600,
        "patrol_sweep_interval_s": 3600,
        "outbox_poll_interval_ms": 50,
        "attachment_max_bytes": 64 * 1024,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def start_harness(settings: Settings, issuer: LocalIssuer) -> AsyncIterator[Harness]:
    for topic in [*TOPICS, AuditRecordedV1.topic]:
        await create_topic(settings.kafka_bootstrap_servers, settings.topic(topic), partitions=2)
    app = create_app(settings)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        AsyncClient(transport=transport, base_url="http://work-orders") as client,
    ):
        yield Harness(app, client, issuer, settings)
