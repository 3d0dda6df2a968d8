"""Shared pieces of the bus tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from sc_contracts.events.base import EventData
from sc_core.bus import CloudEvent, EventConsumer, ProducerHandle
from sc_core.bus.cloudevents import Envelope
from sc_core.db import Database, platform_tables
from sc_core.db.uow import UnitOfWork
from sc_devinfra.pytest_plugin import create_topic
from sc_devinfra.waiting import eventually

metadata = MetaData()
tables = platform_tables(metadata)
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),  # no unique: duplicates would show
    Column("value", String(255), nullable=False),
)


@dataclass
class Broker:
    name: str
    bootstrap: str
    idempotence: bool

    def producer(self, client_id: str = "test") -> ProducerHandle:
        return ProducerHandle(
            self.bootstrap, client_id=client_id, enable_idempotence=self.idempotence
        )


async def new_topic(broker: Broker, partitions: int = 3) -> str:
    topic = f"test.bus-{uuid.uuid4().hex[:10]}.v1"
    await create_topic(broker.bootstrap, topic, partitions=partitions)
    await create_topic(broker.bootstrap, f"{topic}.dlq", partitions=1)
    return topic


class Happened(EventData):
    """The bus tests' event, subscribed to by model as services do; its topic is each
    test's own (``make_consumer`` maps the catalogue name to it)."""

    n: int
    poison: bool = False  # the handler fails on it
    phone: str | None = None  # a value the handler writes; too long for its column


Happened.event_type = "community.test.happened.v1"
Happened.topic = "test.happened.v1"


def make_event(i: int, *, id: str | None = None, **data: object) -> CloudEvent:
    return CloudEvent.create(
        Happened.event_type,
        source="/tests/bus",
        data={"n": i, **data},
        subject=f"thing-{i % 7}",
        id=id,
    )


async def record_effect(data: Happened, uow: UnitOfWork, envelope: Envelope) -> None:
    await uow.session.execute(effects.insert().values(event_id=envelope.id, value=str(data.n)))


async def effect_counts(db: Database) -> tuple[int, int]:
    """(rows, distinct event ids) in the effects table."""
    async with db.engine.connect() as conn:
        row = (
            await conn.execute(select(func.count(), func.count(func.distinct(effects.c.event_id))))
        ).one()
    return int(row[0]), int(row[1])


async def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1) -> None:  # type: ignore[no-untyped-def]
    await eventually(predicate, timeout, interval)


def make_consumer(
    broker: Broker,
    db: Database,
    topic: str,
    name: str,
    producer: ProducerHandle,
    **kw: object,
) -> EventConsumer:
    return EventConsumer(
        name=name,
        bootstrap_servers=broker.bootstrap,
        topics=[topic],
        topic_for=lambda _catalogue_name: topic,
        group_id=str(kw.pop("group_id", None) or f"{name}-{uuid.uuid4().hex[:6]}"),
        db=db,
        dlq_producer=producer,
        **kw,  # type: ignore[arg-type]
    )


async def read_all(broker: Broker, topic: str, expected: int) -> list[Any]:
    """The first ``expected`` messages on ``topic`` (fails when fewer come), by offset."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker.bootstrap,
        group_id=f"reader-{uuid.uuid4().hex[:6]}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    out: list[Any] = []
    try:
        for _ in range(100):
            batch = await consumer.getmany(timeout_ms=300)
            for msgs in batch.values():
                out.extend(msgs)
            if len(out) >= expected:
                break
    finally:
        await consumer.stop()
    assert len(out) == expected, f"expected {expected} messages on {topic}, got {len(out)}"
    return sorted(out, key=lambda m: m.offset)
