"""Helpers of the alarm tests: the service on its own topics, tokens, readings produced
straight onto the telemetry topic, and what the service published (its outbox)."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from alarm.config import Settings
from alarm.main import create_app
from sc_contracts.events import GrantChange, GrantChangedV1
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.bus import CloudEvent, ProducerHandle
from sc_core.db.engine import Database
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually

TELEMETRY = "community.telemetry.recorded.v1"
STATUS = "community.device.status_changed.v1"


def make_settings(
    database_url: str, bootstrap: str, idempotence: bool, jwks_url: str, **overrides: object
) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, object] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": bootstrap,
        "kafka_enable_idempotence": idempotence,
        "jwks_url": jwks_url,
        "kafka_consumer_group": f"alarm-t{suffix}",
        "telemetry_topic": f"telemetry.readings.t{suffix}",
        # catalogue topics renamed for this test (typed subscriptions follow TOPIC_NAMES)
        "topic_names": {
            "device.status.v1": f"device.status.t{suffix}",
            "workorder.events.v1": f"workorder.events.t{suffix}",
            "identity.events.v1": f"identity.events.t{suffix}",
            "alarm.events.v1": f"alarm.events.t{suffix}",
            "notification.requests.v1": f"notification.requests.t{suffix}",
        },
        "audit_topic": f"audit.records.t{suffix}",
        "outbox_poll_interval_ms": 50,
        "timer_sweep_s": 0.3,
        "escalation_sweep_s": 0.3,
        "rules_reload_s": 0.5,
        "log_level": "WARNING",
        "gc_tuning": False,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def create_topics(settings: Settings) -> None:
    for topic in (
        settings.telemetry_topic,
        settings.topic("device.status.v1"),
        settings.topic("workorder.events.v1"),
        settings.topic("identity.events.v1"),
        settings.topic("alarm.events.v1"),
        settings.topic("notification.requests.v1"),
        settings.audit_topic,
    ):
        await create_topic(settings.kafka_bootstrap_servers, topic, partitions=3)
        await create_topic(settings.kafka_bootstrap_servers, f"{topic}.dlq", partitions=1)


@dataclass
class Harness:
    app: FastAPI
    client: AsyncClient
    issuer: LocalIssuer
    settings: Settings

    @property
    def db(self) -> Database:
        db = self.app.state.runtime.db
        assert db is not None
        return db

    def staff(
        self, community: str, role: str = "community_admin", sub: str = "admin-1"
    ) -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant(role, "community", community)])

    def resident(self, household: str, sub: str = "resident-1") -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant("resident", "household", household)])

    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.db.engine.connect() as conn:
            return list((await conn.execute(text(statement), params)).all())

    async def rule(self, community: str, **body: Any) -> dict[str, Any]:
        body.setdefault("name", f"rule {body.get('alarm_type')}")
        body.setdefault("severity", "major")
        body["community_id"] = community
        r = await self.client.post("/api/v1/alarm-rules", json=body, headers=self.staff(community))
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def alarms(self, community: str, **params: Any) -> list[dict[str, Any]]:
        params = {"community_id": community, "limit": 100, **params}
        r = await self.client.get("/api/v1/alarms", params=params, headers=self.staff(community))
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    async def granted(
        self, account: str, role: str, scope_type: str, scope_id: str, community: str
    ) -> None:
        """identity grants ``account`` a role over a place (``GrantChangedV1`` on
        identity.events.v1); waits until the alarm service's grant projection has it."""
        grant_id = str(uuid.uuid4())
        data = GrantChangedV1(
            aggregate_id=account,
            account_id=account,
            grant_id=grant_id,
            change=GrantChange.GRANTED,
            role=role,
            scope_type=scope_type,
            scope_id=scope_id,
            community_id=community,
            changed_by="tests",
            changed_at=datetime.now(UTC),
        )
        event = CloudEvent.of(data, source="/services/identity", subject=account)
        producer = ProducerHandle(
            self.settings.kafka_bootstrap_servers,
            client_id="alarm-test-identity",
            enable_idempotence=self.settings.kafka_enable_idempotence,
        )
        try:
            kafka = await producer.get()
            await kafka.send_and_wait(
                self.settings.topic("identity.events.v1"),
                event.body(),
                key=account.encode(),
                headers=event.headers(),
            )
        finally:
            await producer.close()

        async def projected() -> bool:
            rows = await self.sql("SELECT 1 FROM grant_projection WHERE grant_id = :g", g=grant_id)
            return bool(rows)

        await eventually(projected, timeout=300, what=f"the grant {role} of {account}")

    async def published(self, topic: str, event_type: str | None = None) -> list[dict[str, Any]]:
        """Events the service committed to its outbox for ``topic`` (what it publishes)."""
        rows = await self.sql(
            "SELECT headers, payload FROM event_outbox WHERE topic = :t ORDER BY seq", t=topic
        )
        out = []
        for headers, payload in rows:
            ce_type = dict(headers).get("ce_type") if isinstance(headers, dict) else None
            if ce_type is None:
                ce_type = next((v for k, v in headers if k == "ce_type"), None)
            if event_type is None or ce_type == event_type:
                out.append(json.loads(payload))
        return out


@contextlib.asynccontextmanager
async def start_harness(settings: Settings, issuer: LocalIssuer) -> AsyncIterator[Harness]:
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://alarm") as client:
            yield Harness(app, client, issuer, settings)


running = start_harness


class Devices:
    """Produces telemetry and status events the way device-ingestion does."""

    def __init__(self, settings: Settings, community: str) -> None:
        self.settings = settings
        self.community = community
        self.producer = ProducerHandle(
            settings.kafka_bootstrap_servers,
            client_id="alarm-test-devices",
            enable_idempotence=settings.kafka_enable_idempotence,
        )

    async def reading(
        self,
        device_id: str,
        device_type: str,
        values: dict[str, Any],
        ts: datetime | None = None,
        **place: str | None,
    ) -> None:
        now = datetime.now(UTC)
        data = {
            "device_id": device_id,
            "device_type": device_type,
            "community_id": self.community,
            "building_id": place.get("building_id"),
            "unit_id": place.get("unit_id"),
            "room_id": place.get("room_id"),
            "ts": (ts or now).isoformat(),
            "values": values,
            "received_at": now.isoformat(),
        }
        event = CloudEvent.create(TELEMETRY, "/tests/devices", data, subject=device_id)
        kafka = await self.producer.get()
        await kafka.send_and_wait(
            self.settings.telemetry_topic,
            event.body(),
            key=device_id.encode(),
            headers=event.headers(),
        )

    async def status(self, device_id: str, device_type: str, status: str) -> None:
        now = datetime.now(UTC).isoformat()
        data = {
            "device_id": device_id,
            "device_type": device_type,
            "community_id": self.community,
            "status": status,
            "last_activity_at": now,
            "changed_at": now,
        }
        event = CloudEvent.create(STATUS, "/tests/devices", data, subject=device_id)
        kafka = await self.producer.get()
        await kafka.send_and_wait(
            self.settings.topic("device.status.v1"),
            event.body(),
            key=device_id.encode(),
            headers=event.headers(),
        )

    async def household_placed(
        self, household_id: str, building_id: str, unit_id: str, room_id: str,
        grid_id: str | None = None, status: str = "active", **names: str,
    ) -> None:  # fmt: skip
        """identity's HouseholdChangedV1, as identity publishes it on identity.events.v1
        (``names``: community_name, building_name, unit_name, room_number ...)."""
        now = datetime.now(UTC).isoformat()
        data = {
            "aggregate_id": household_id,
            "household_id": household_id,
            "change": "created",
            "placement": {
                "community_id": self.community,
                "building_id": building_id,
                "unit_id": unit_id,
                "room_id": room_id,
                "grid_id": grid_id,
                **names,
            },
            "member_count": 2,
            "status": status,
            "changed_by": "admin-1",
            "changed_at": now,
        }
        event = CloudEvent.create(
            "community.household.changed.v1", "/services/identity", data, subject=household_id
        )
        kafka = await self.producer.get()
        await kafka.send_and_wait(
            self.settings.topic("identity.events.v1"), event.body(), key=household_id.encode(),
            headers=event.headers(),
        )  # fmt: skip

    async def close(self) -> None:
        await self.producer.close()


wait_for = eventually
