"""Helpers of the commerce tests: the app behind an HTTP client, tokens for each side,
events sent to and read back from the broker."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from commerce.config import Settings
from commerce.main import create_app
from commerce.usecases import UseCases
from commerce.usecases.owners import has_owner
from sc_contracts.events import (
    AuditRecordedV1,
    EventData,
    HouseholdChangedV1,
    ListingChangedV1,
    MerchantChangedV1,
    NotificationRequestedV1,
    PassageRecordedV1,
    PersonRegisteredV1,
    RecyclingDropOffRecordedV1,
    ServiceBookingRequestedV1,
    ShopFlaggedV1,
    ShopOrderChangedV1,
    TelemetryRecordedV1,
    WorkOrderChangedV1,
)
from sc_contracts.events.payment import PaymentOrderPaidV1
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually as eventually

# the catalogue topics commerce publishes and reads; each test run names its own
TOPICS = [
    MerchantChangedV1.topic,
    ServiceBookingRequestedV1.topic,
    RecyclingDropOffRecordedV1.topic,
    ListingChangedV1.topic,
    NotificationRequestedV1.topic,
    TelemetryRecordedV1.topic,
    HouseholdChangedV1.topic,
    AuditRecordedV1.topic,
    ShopOrderChangedV1.topic,
    PaymentOrderPaidV1.topic,
    WorkOrderChangedV1.topic,
    PassageRecordedV1.topic,
    ShopFlaggedV1.topic,
]


@dataclass
class Harness:
    app: FastAPI
    client: AsyncClient
    issuer: LocalIssuer
    settings: Settings

    @property
    def usecases(self) -> UseCases:
        found: UseCases = self.app.state.usecases
        return found

    def topic(self, model: type[EventData]) -> str:
        """The topic this run uses for ``model``'s events."""
        return self.settings.topic(model.topic)

    # tokens --------------------------------------------------------------------------
    def resident(self, household: str, sub: str | None = None) -> dict[str, str]:
        return self.issuer.bearer(
            sub or f"res-{household}", grants=[Grant("resident", "household", household)]
        )

    def staff(self, community: str, sub: str = "staff-1") -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant("property_staff", "community", community)])

    def grid_worker(self, grid: str, sub: str = "gw-1") -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant("grid_worker", "grid", grid)])

    def merchant(self, community: str, sub: str) -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant("merchant", "community", community)])

    async def place(self, household: str, community: str, building: str = "b-7") -> None:
        """identity places ``household`` in ``community``; returns once commerce knows."""
        await self.send(placed(household, community, building), key=household)

        async def known() -> bool:
            async with self.app.state.runtime.db.uow() as uow:
                return await self.usecases.points.places.household(uow, household) is not None

        assert await eventually(known)

    async def register_person(
        self, household: str, community: str, relation: str, building: str = "b-7"
    ) -> str:
        """identity registers a person of ``relation`` in ``household``; returns the
        person id once commerce has read the event (an owner is known as one)."""
        person = f"p-{uuid.uuid4().hex[:8]}"
        event = PersonRegisteredV1.model_validate(
            {
                "aggregate_id": person,
                "person_id": person,
                "household_id": household,
                "relation": relation,
                "placement": placed(household, community, building).placement.model_dump(),
                "registered_by": "gw-1",
                "registered_at": datetime.now(UTC),
            }
        )
        await self.send(event, key=person)

        async def known() -> bool:
            async with self.app.state.runtime.db.uow() as uow:
                if relation == "owner":
                    return await has_owner(uow, household)
                return await self.usecases.points.places.household(uow, household) is not None

        assert await eventually(known)
        return person

    # events --------------------------------------------------------------------------
    async def send(self, data: EventData, key: str) -> CloudEvent:
        """``data`` as a CloudEvent from identity (or whoever owns it) on this run's topic."""
        event = CloudEvent.of(data, source="/services/test", subject=key)
        await self.redeliver(event, type(data), key)
        return event

    async def redeliver(self, event: CloudEvent, model: type[EventData], key: str) -> None:
        """``event`` (again: the same id) on this run's topic of ``model``."""
        producer = AIOKafkaProducer(bootstrap_servers=self.settings.kafka_bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(
                self.topic(model), event.body(), key=key.encode(), headers=event.headers()
            )
        finally:
            await producer.stop()

    async def read(
        self, model: type[EventData], until: Callable[[list[CloudEvent]], bool]
    ) -> list[CloudEvent]:
        """Events on ``model``'s topic (from its start) once ``until`` holds (bounded)."""
        consumer = AIOKafkaConsumer(
            self.topic(model),
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
        )
        await consumer.start()
        found: list[CloudEvent] = []
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not until(found):
                for messages in (await consumer.getmany(timeout_ms=200)).values():
                    found.extend(
                        CloudEvent.from_kafka(list(m.headers or []), m.value) for m in messages
                    )
        finally:
            await consumer.stop()
        return found


def placed(household: str, community: str, building: str) -> HouseholdChangedV1:
    return HouseholdChangedV1.model_validate(
        {
            "aggregate_id": household,
            "household_id": household,
            "change": "created",
            "placement": {
                "community_id": community,
                "building_id": building,
                "unit_id": "u-1",
                "room_id": f"r-{household}",
                "grid_id": None,
            },
            "member_count": 2,
            "status": "active",
            "changed_by": "admin",
            "changed_at": datetime.now(UTC),
        }
    )


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
        "kafka_consumer_group": f"commerce-t{suffix}",
        "topic_names": {name: name.replace(".v1", f".t{suffix}") for name in TOPICS},
        "audit_topic": f"audit.records.t{suffix}",
        "outbox_poll_interval_ms": 50,
        "log_level": "WARNING",
        "attachment_dir": tempfile.mkdtemp(prefix="commerce-photos-"),
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def start_harness(settings: Settings, issuer: LocalIssuer) -> AsyncIterator[Harness]:
    for name in TOPICS:
        await create_topic(settings.kafka_bootstrap_servers, settings.topic(name), partitions=2)
    app = create_app(settings)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        AsyncClient(transport=transport, base_url="http://commerce") as client,
    ):
        yield Harness(app, client, issuer, settings)
