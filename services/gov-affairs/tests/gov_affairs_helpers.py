"""Helpers of the gov-affairs tests: the app behind an HTTP client, tokens for each side,
events sent to and read back from the broker."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import func, select

from gov_affairs.config import Settings
from gov_affairs.db.votes import AssemblyOwnerRow, AssemblyRoomRow
from gov_affairs.main import create_app
from gov_affairs.usecases import UseCases
from sc_contracts.events import (
    ActivityChangedV1,
    AlarmRaisedV1,
    AlarmsSharedV1,
    AlterationChangedV1,
    ApplicationChangedV1,
    AuditRecordedV1,
    CasesSharedV1,
    CertificateIssuedV1,
    CityTaskCaseRequestedV1,
    CityTaskIssuedV1,
    CityTaskOutcomeV1,
    EventData,
    HouseholdChangedV1,
    HouseholdRelation,
    HousesSharedV1,
    LegalBookingChangedV1,
    NoticeChangedV1,
    NotificationRequestedV1,
    OrganisationComplaintFiledV1,
    PassageRecordedV1,
    PersonRegisteredV1,
    Placement,
    PopulationFlagChangedV1,
    PopulationSharedV1,
    TrainingRecordChangedV1,
    VolunteerChangedV1,
    VoteClosedV1,
    WelfareChangedV1,
    WorkOrderChangedV1,
)
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually as eventually

# the catalogue topics gov-affairs publishes and reads; each test run names its own
TOPICS = [
    ApplicationChangedV1.topic,
    CertificateIssuedV1.topic,
    NotificationRequestedV1.topic,
    HouseholdChangedV1.topic,
    AuditRecordedV1.topic,
    VoteClosedV1.topic,
    ActivityChangedV1.topic,
    NoticeChangedV1.topic,
    WelfareChangedV1.topic,
    # population checks: the gate passages read, the flags sent
    PassageRecordedV1.topic,
    PopulationFlagChangedV1.topic,
    OrganisationComplaintFiledV1.topic,
    AlterationChangedV1.topic,
    VolunteerChangedV1.topic,
    TrainingRecordChangedV1.topic,
    LegalBookingChangedV1.topic,
    # the exchange: the facts it counts and the records it sends (ADR 0036)
    WorkOrderChangedV1.topic,
    AlarmRaisedV1.topic,
    PopulationSharedV1.topic,
    HousesSharedV1.topic,
    CasesSharedV1.topic,
    AlarmsSharedV1.topic,
    # tasks sent down by district platforms: the cases asked for, the outcomes reported
    CityTaskCaseRequestedV1.topic,
    CityTaskOutcomeV1.topic,
    CityTaskIssuedV1.topic,
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

    def staff(self, community: str, sub: str, role: str) -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant(role, "community", community)])

    def grid_worker(self, grid: str, sub: str = "gw-1") -> dict[str, str]:
        return self.issuer.bearer(sub, grants=[Grant("grid_worker", "grid", grid)])

    # events --------------------------------------------------------------------------
    async def send(self, data: EventData, key: str) -> None:
        """``data`` as a CloudEvent from identity (or whoever owns it) on this run's topic."""
        event = CloudEvent.of(data, source="/services/test", subject=key)
        producer = AIOKafkaProducer(bootstrap_servers=self.settings.kafka_bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(
                self.topic(type(data)), event.body(), key=key.encode(), headers=event.headers()
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
        "kafka_consumer_group": f"gov-affairs-t{suffix}",
        "topic_names": {name: name.replace(".v1", f".t{suffix}") for name in TOPICS},
        "audit_topic": f"audit.records.t{suffix}",
        "outbox_poll_interval_ms": 50,
        "approval_sweep_interval_s": 3600,
        "exchange_sweep_interval_s": 3600,  # the tests sweep themselves, by their clock
        "population_sweep_interval_s": 3600,  # likewise
        "alteration_sweep_interval_s": 3600,  # likewise
        "public_base_url": "https://sq.example.gov.cn",
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@contextlib.asynccontextmanager
async def start_harness(
    settings: Settings, issuer: LocalIssuer, *, create: bool = True
) -> AsyncIterator[Harness]:
    """``create=False``: the topics exist already (a secured broker's, made by its admin)."""
    for name in TOPICS if create else ():
        await create_topic(settings.kafka_bootstrap_servers, settings.topic(name), partitions=2)
    app = create_app(settings)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        AsyncClient(transport=transport, base_url="http://gov-affairs") as client,
    ):
        yield Harness(app, client, issuer, settings)


# the room register (owners and exclusive areas) as identity publishes it ----------------
async def register(h: Harness, community: str, rooms: dict[str, float | None]) -> dict[str, str]:
    """Identity registers one owner per room; returns room number -> household id."""
    households = {}
    for number, area in rooms.items():
        household, person = f"h-{uuid.uuid4().hex[:8]}", f"p-{uuid.uuid4().hex[:8]}"
        households[number] = household
        place = Placement(
            community_id=community,
            building_id=f"{community}-b1",
            unit_id=f"{community}-u1",
            room_id=f"{community}-r{number}",
            community_name="幸福里社区",
            building_name="1号楼",
            unit_name="1单元",
            room_number=number,
            room_area_m2=area,
        )
        await h.send(
            PersonRegisteredV1(
                aggregate_id=person,
                person_id=person,
                household_id=household,
                relation=HouseholdRelation.OWNER,
                placement=place,
                registered_by="grid-1",
                registered_at=datetime.now(UTC),
            ),
            key=person,
        )
    db = h.usecases.assembly.db

    async def known() -> bool:
        async with db.uow(read_only=True) as uow:
            owners = await uow.session.scalar(
                select(func.count())
                .select_from(AssemblyOwnerRow)
                .join(AssemblyRoomRow, AssemblyRoomRow.room_id == AssemblyOwnerRow.room_id)
                .where(AssemblyOwnerRow.community_id == community)
            )
            places = h.usecases.assembly.places
            homes = [await places.household(uow, x) for x in households.values()]
        return owners == len(rooms) and all(homes)

    await eventually(known, timeout=120, what="the room register from identity's events")
    return households


def owner(h: Harness, household: str, role: str = "resident") -> dict[str, str]:
    """The household's owner (``resident``), or another member's account (family, tenant)."""
    sub = f"acc-{household}" if role == "resident" else f"acc-{role}-{household}"
    return h.issuer.bearer(sub, grants=[Grant(role, "household", household)])
