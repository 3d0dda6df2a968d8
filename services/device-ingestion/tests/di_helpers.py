"""Helpers of the device-ingestion tests: an HTTP client on the app, tokens, waiting
for storage."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from asgi_lifespan import LifespanManager
from device_ingestion.config import Settings
from device_ingestion.db.models import telemetry
from device_ingestion.main import create_app
from device_ingestion.usecases import UseCases
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select, text

from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.db.engine import Database
from sc_devinfra.topics import create_topic

#: the catalogue topics the service uses (each test module gets its own, TOPIC_NAMES)
TOPICS = (
    "telemetry.readings.v1",
    "device.status.v1",
    "device.commands.v1",
    "access.passages.v1",
    "device.command-results.v1",
    "identity.events.v1",
    "device.downlinks.v1",
)


@dataclass
class Harness:
    app: FastAPI
    client: AsyncClient
    issuer: LocalIssuer

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, app: FastAPI, issuer: LocalIssuer) -> AsyncIterator[Harness]:
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://device-ingestion") as c:
            yield cls(app, c, issuer)

    @property
    def usecases(self) -> UseCases:
        usecases: UseCases = self.app.state.usecases
        return usecases

    @property
    def settings(self) -> Settings:
        return self.usecases.settings

    def topic(self, name: str) -> str:
        """The test's own topic for catalogue topic ``name``."""
        return self.settings.topic(name)

    @property
    def db(self) -> Database:
        db: Database = self.app.state.runtime.db
        return db

    def admin(self, community: str, role: str = "community_admin") -> dict[str, str]:
        return self.issuer.bearer("admin-1", grants=[Grant(role, "community", community)])

    def user(self, *grants: Grant, sub: str = "user-1") -> dict[str, str]:
        return self.issuer.bearer(sub, grants=list(grants))

    async def create_device(
        self, community: str, name: str, device_type: str, **place: Any
    ) -> dict[str, Any]:
        body = {"name": name, "device_type": device_type, "community_id": community, **place}
        response = await self.client.post(
            "/api/v1/devices", json=body, headers=self.admin(community)
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def stored_rows(self, device_id: str | None = None) -> int:
        query = select(func.count()).select_from(telemetry)
        if device_id is not None:
            query = query.where(telemetry.c.device_id == device_id)
        async with self.db.engine.connect() as conn:
            return int(await conn.scalar(query) or 0)

    async def wait_stored(self, expected: int, device_id: str | None = None) -> int:
        """Wait (bounded) until ``expected`` raw rows are stored; returns what is there."""
        deadline = time.monotonic() + 30
        while True:
            rows = await self.stored_rows(device_id)
            if rows >= expected or time.monotonic() > deadline:
                # give a redelivery or a stray extra row the chance to show up
                return rows
            await asyncio.sleep(0.05)

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.db.engine.connect() as conn:
            return list((await conn.execute(text(statement), params)).all())


def make_settings(
    database_url: str, bootstrap: str, idempotence: bool, jwks_url: str, **overrides: object
) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, object] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": bootstrap,
        "kafka_enable_idempotence": idempotence,
        "jwks_url": jwks_url,
        "kafka_consumer_group": f"device-ingestion-t{suffix}",
        "audit_topic": f"audit.records.t{suffix}",
        "topic_names": {name: f"{name}.t{suffix}" for name in TOPICS},
        "storage_max_batch": 2000,
        "status_sweep_interval_s": 3600,
        "command_sweep_interval_s": 3600,
        "mqtt_embedded": False,
        "mqtt_embedded_port": 0,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def start_harness(settings: Settings, issuer: LocalIssuer) -> AsyncIterator[Harness]:
    for topic in (*map(settings.topic, TOPICS), settings.audit_topic):
        await create_topic(settings.kafka_bootstrap_servers, topic, partitions=2)
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        Harness.open(app, issuer) as harness,
    ):
        yield harness
