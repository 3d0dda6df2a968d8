"""1,000 events written while the broker is stopped are all delivered after it returns,
each with exactly one effect on the consumer side."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bushelpers import (
    Broker,
    Happened,
    effect_counts,
    make_consumer,
    make_event,
    record_effect,
    wait_until,
)
from sc_core.bus import OutboxRelay
from sc_core.db import Database
from sc_devinfra.apache_kafka import KafkaCluster
from sc_devinfra.pytest_plugin import create_topic

TOPIC = "test.outage.v1"


class Outage:
    """A broker of our own that the test can stop and start."""

    def __init__(
        self,
        broker: Broker,
        stop: Callable[[], Awaitable[None]],
        start: Callable[[], Awaitable[None]],
    ) -> None:
        self.broker = broker
        self.stop = stop
        self.start = start


@pytest.fixture
async def outage(tmp_path: Path) -> AsyncIterator[Outage]:
    cluster = KafkaCluster(brokers=1, base_dir=tmp_path / "kafka")
    await asyncio.to_thread(cluster.start)
    try:
        yield Outage(
            Broker("apache", cluster.bootstrap, True),
            lambda: asyncio.to_thread(cluster.stop),
            lambda: asyncio.to_thread(cluster.start),
        )
    finally:
        await asyncio.to_thread(cluster.close)


async def _create_topics(broker: Broker) -> None:
    await create_topic(broker.bootstrap, TOPIC, partitions=3)
    await create_topic(broker.bootstrap, f"{TOPIC}.dlq", partitions=1)


async def test_events_written_during_outage_are_delivered_once(
    outage: Outage, db: Database
) -> None:
    broker = outage.broker
    await _create_topics(broker)
    producer = broker.producer("relay")
    relay = OutboxRelay(db, producer, service="outage-test", batch_size=200, max_backoff=1.0)
    await relay.start()
    consumer_producer = broker.producer("consumer")
    consumer = make_consumer(broker, db, TOPIC, "outage", consumer_producer)
    consumer.on(Happened, envelope=True)(record_effect)
    try:
        # relay and consumer work while the broker is up ...
        await consumer.start()
        async with db.uow() as uow:
            await uow.publish(TOPIC, make_event(0))
            await uow.commit()
        await wait_until(lambda: _effects(db, 1))

        await outage.stop()
        for batch in range(100):  # ... and keeps every event while it is down
            async with db.uow() as uow:
                for i in range(10):
                    await uow.publish(TOPIC, make_event(1 + batch * 10 + i))
                await uow.commit()
        await asyncio.sleep(1.0)
        assert await relay.pending() == 1000

        await outage.start()  # ... and both carry on by themselves once it is back
        await wait_until(lambda: _unsent(db, 0), timeout=90)
        await wait_until(lambda: _effects(db, 1001), timeout=90)
        await asyncio.sleep(0.5)  # a late duplicate would show here
        assert await effect_counts(db) == (1001, 1001)
    finally:
        await consumer.stop()
        await relay.stop()
        await producer.close()
        await consumer_producer.close()


async def _unsent(db: Database, n: int) -> bool:
    outbox = db.tables.outbox
    async with db.engine.connect() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        )
    return count == n


async def _effects(db: Database, n: int) -> bool:
    rows, _ = await effect_counts(db)
    return rows >= n
