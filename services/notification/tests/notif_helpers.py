"""Helpers of the notification tests: the service on a real HTTP server (uvicorn on
loopback, so Server-Sent Events stream for real), its own topics on the test broker,
events published the way other services publish them, and an SSE reader."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import uvicorn
from aiokafka import AIOKafkaProducer
from pydantic import BaseModel
from sqlalchemy import text

from notification.config import Settings
from notification.main import create_app
from notification.usecases import UseCases
from sc_contracts.events import GrantChangedV1, HouseholdChangedV1
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.bus import CloudEvent
from sc_core.db.engine import Database
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def make_settings(
    database_url: str, bootstrap: str, idempotence: bool, jwks_url: str, **overrides: object
) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, object] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": bootstrap,
        "kafka_enable_idempotence": idempotence,
        "jwks_url": jwks_url,
        "kafka_consumer_group": f"notification-t{suffix}",
        "audit_topic": f"audit.records.t{suffix}",
        # catalogue topics renamed for this test (typed subscriptions follow TOPIC_NAMES)
        "topic_names": {
            "notification.requests.v1": f"notification.requests.t{suffix}",
            "notification.deliveries.v1": f"notification.deliveries.t{suffix}",
            "identity.events.v1": f"identity.events.t{suffix}",
            "alarm.events.v1": f"alarm.events.t{suffix}",
            "device.command-results.v1": f"device.command-results.t{suffix}",
            "device.commands.v1": f"device.commands.t{suffix}",
        },
        "dispatch_interval_seconds": 0.2,
        "retry_base_seconds": 0.05,
        "sse_heartbeat_seconds": 1.0,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)


@dataclass
class Harness:
    settings: Settings
    issuer: LocalIssuer
    base_url: str
    client: httpx.AsyncClient
    producer: AIOKafkaProducer
    db: Database
    usecases: UseCases
    runtime: Any = None  # the app's sc_core Runtime (its consumers)
    tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    # tokens -------------------------------------------------------------------------
    def bearer(self, sub: str, *grants: Grant, roles: tuple[str, ...] = ()) -> dict[str, str]:
        return self.issuer.bearer(sub, roles, list(grants))

    def platform_admin(self) -> dict[str, str]:
        return self.bearer("platform-admin", Grant("platform_admin", "platform", "*"))

    # events -------------------------------------------------------------------------
    async def publish(self, topic: str, event_type: str, data: BaseModel, key: str) -> CloudEvent:
        event = CloudEvent.create(event_type, "/tests", data, subject=key)
        await self.producer.send_and_wait(
            topic, value=event.body(), key=key.encode(), headers=event.headers()
        )
        return event

    async def publish_event(self, topic: str, event: CloudEvent, key: str) -> None:
        await self.producer.send_and_wait(
            topic, value=event.body(), key=key.encode(), headers=event.headers()
        )

    async def grant(
        self, account: str, role: str, scope_type: str, scope_id: str, community: str
    ) -> None:
        """identity announces a grant; waits until the projection has it."""
        grant_id = str(uuid.uuid4())
        data = GrantChangedV1(
            aggregate_id=account,
            account_id=account,
            grant_id=grant_id,
            change="granted",
            role=role,
            scope_type=scope_type,
            scope_id=scope_id,
            community_id=community,
            changed_by="tests",
            changed_at=datetime.now(UTC),
        )
        await self.publish(
            self.settings.topic("identity.events.v1"),
            "community.grant.changed.v1",
            data,
            key=account,
        )

        async def projected() -> bool:
            rows = await self.sql("SELECT 1 FROM grant_projection WHERE grant_id = :g", g=grant_id)
            return bool(rows)

        await wait_for(projected, what=f"grant {role} of {account}")

    async def place(self, household: str, community: str, building: str) -> None:
        """identity announces where a household lives; waits until the directory has it."""
        data = HouseholdChangedV1.model_validate(
            {
                "aggregate_id": household,
                "household_id": household,
                "change": "created",
                "placement": {
                    "community_id": community,
                    "building_id": building,
                    "unit_id": f"{building}-u1",
                    "room_id": f"{household}-room",
                },
                "member_count": 1,
                "status": "active",
                "changed_by": "tests",
                "changed_at": datetime.now(UTC),
            }
        )
        await self.publish(
            self.settings.topic("identity.events.v1"),
            "community.household.changed.v1",
            data,
            key=household,
        )

        async def placed() -> bool:
            rows = await self.sql(
                "SELECT 1 FROM household_places WHERE household_id = :h", h=household
            )
            return bool(rows)

        await wait_for(placed, what=f"the place of household {household}")

    # database -----------------------------------------------------------------------
    async def sql(self, statement: str, **params: Any) -> list[Any]:
        async with self.db.engine.begin() as conn:
            result = await conn.execute(text(statement), params)
            return list(result.all()) if result.returns_rows else []

    async def deliveries(self, request_id: str) -> list[Any]:
        return await self.sql(
            "SELECT * FROM delivery WHERE request_id = :r ORDER BY recipient_id, channel",
            r=request_id,
        )


@contextlib.asynccontextmanager
async def start_harness(settings: Settings, issuer: LocalIssuer) -> AsyncIterator[Harness]:
    for topic in (
        settings.topic("notification.requests.v1"),
        settings.topic("notification.deliveries.v1"),
        settings.topic("identity.events.v1"),
        settings.topic("alarm.events.v1"),
        settings.topic("device.commands.v1"),
        settings.audit_topic,
        settings.topic("device.command-results.v1"),
    ):
        await create_topic(settings.kafka_bootstrap_servers, topic, partitions=2)
    port = free_port()
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 60
    while not server.started:
        if serving.done() or time.monotonic() > deadline:
            raise RuntimeError("the notification service did not start")
        await asyncio.sleep(0.05)
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await producer.start()
    db = app.state.runtime.db
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            harness = Harness(
                settings,
                issuer,
                base_url,
                client,
                producer,
                db,
                app.state.usecases,
                app.state.runtime,
            )
            await wait_for(lambda: _consumers_assigned(app), timeout=60, what="consumers to join")
            yield harness
            for task in harness.tasks:
                task.cancel()
    finally:
        await producer.stop()
        server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(serving), 20)
        except TimeoutError:
            server.force_exit = True
            with contextlib.suppress(Exception):
                await asyncio.wait_for(serving, 10)


async def _consumers_assigned(app: Any) -> bool:
    consumers = app.state.runtime.consumers
    return all([bool(await c.assignment()) for c in consumers])


@dataclass
class SSEEvent:
    event: str
    data: dict[str, Any]
    id: str | None


class Stream:
    """An open SSE connection read in the background; events collected in order."""

    def __init__(
        self, base_url: str, headers: dict[str, str], params: dict[str, str] | None = None
    ) -> None:
        self.base_url = base_url
        self.headers = headers
        self.params = params or {}
        self.events: list[SSEEvent] = []
        self.comments = 0
        self.content_type: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def __aenter__(self) -> Stream:
        self._task = asyncio.create_task(self._read())
        await asyncio.wait_for(self._ready.wait(), 30)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task

    async def _read(self) -> None:
        timeout = httpx.Timeout(30, read=None)
        async with (
            httpx.AsyncClient(base_url=self.base_url, timeout=timeout) as client,
            client.stream(
                "GET",
                "/api/v1/stream",
                params=self.params,
                headers={"Accept": "text/event-stream", **self.headers},
            ) as response,
        ):
            self.content_type = response.headers.get("content-type")
            assert response.status_code == 200, await response.aread()
            current: dict[str, str] = {}
            async for line in response.aiter_lines():
                if line == "":
                    if "data" in current:
                        self.events.append(
                            SSEEvent(
                                current.get("event", "message"),
                                json.loads(current["data"]),
                                current.get("id"),
                            )
                        )
                        if current.get("event") == "ready":
                            self._ready.set()
                    current = {}
                elif line.startswith(":"):
                    self.comments += 1
                else:
                    name, _, value = line.partition(":")
                    current[name] = value[1:] if value.startswith(" ") else value

    def of(self, kind: str) -> list[SSEEvent]:
        return [e for e in self.events if e.event == kind]

    @property
    def closed(self) -> bool:
        """The server ended the stream (the reader saw the end of the body)."""
        return self._task is not None and self._task.done()

    async def wait(self, kind: str, count: int = 1, timeout: float = 30.0) -> list[SSEEvent]:
        async def enough() -> list[SSEEvent]:
            found = self.of(kind)
            return found if len(found) >= count else []

        return await wait_for(enough, timeout=timeout, what=f"{count} {kind} event(s)")


wait_for = eventually
