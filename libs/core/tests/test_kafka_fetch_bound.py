"""A batch consumer's fetch bound on a real broker and PostgreSQL (issue 28, ADR 0062): a
consumer that asks for fuller batches (64 KiB or 20 ms, as the alarm evaluator does) sends
the broker the long poll while nothing arrives, and a record that arrives then is still
handled, and so is a burst after it."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka.protocol.fetch import FetchRequest
from sqlalchemy import Column, Integer, MetaData, String, Table, select

from sc_core.bus import CloudEvent, ProducerHandle
from sc_core.bus.batch import BatchConsumer
from sc_core.bus.fetch_bound import IDLE_MAX_WAIT_MS, FetchBound
from sc_core.db import Database, platform_tables
from sc_core.db.uow import UnitOfWork
from sc_devinfra.pytest_plugin import create_topic
from sc_devinfra.waiting import eventually

metadata = MetaData()
tables = platform_tables(metadata)
effects = Table(
    "fetch_bound_effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("n", Integer, nullable=False),
)
TYPE = "community.test.happened.v1"
BUSY = {"fetch_min_bytes": 65536, "fetch_max_wait_ms": 20}


@pytest.fixture
async def db(fresh_database_url: str) -> AsyncIterator[Database]:
    database = Database(fresh_database_url, tables, pool_size=3)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


class FetchCount:
    """Counts the fetch requests a consumer's client sends (each still goes to the broker)."""

    def __init__(self, consumer: BatchConsumer) -> None:
        assert consumer._consumer is not None
        self.client = consumer._consumer._client
        self.sent: list[tuple[float, int]] = []  # (when, max wait asked for)
        real = self.client.send

        async def send(node_id: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(request, FetchRequest):
                self.sent.append((time.monotonic(), request._max_wait_ms))
            return await real(node_id, request, *args, **kwargs)

        self.client.send = send

    def since(self, moment: float) -> list[int]:
        return [wait for when, wait in self.sent if when >= moment]


def test_only_a_consumer_asking_for_less_than_the_long_poll_adapts() -> None:
    assert FetchBound.of(BUSY).adapts
    assert not FetchBound.of({}).adapts  # the long poll (1 byte / LONG_POLL_MS)
    assert FetchBound.of({"fetch_max_wait_ms": 500}).adapts  # device-ingestion's storage
    assert not FetchBound.of({"fetch_max_wait_ms": IDLE_MAX_WAIT_MS}).adapts


async def test_an_idle_consumer_sends_the_long_poll_and_still_takes_what_arrives(
    db: Database, kafka_bootstrap: str, kafka_idempotence: bool
) -> None:
    topic = f"test.fetch-bound-{uuid.uuid4().hex[:10]}.v1"
    await create_topic(kafka_bootstrap, topic, partitions=2)
    await create_topic(kafka_bootstrap, f"{topic}.dlq", partitions=1)
    producer = ProducerHandle(kafka_bootstrap, client_id="t", enable_idempotence=kafka_idempotence)
    kafka = await producer.get()

    async def handler(events: list[CloudEvent], uow: UnitOfWork) -> None:
        for event in events:
            await uow.session.execute(effects.insert().values(event_id=event.id, n=event.data["n"]))

    async def rows() -> list[int]:
        async with db.engine.connect() as conn:
            return sorted((await conn.execute(select(effects.c.n))).scalars().all())

    async def send(numbers: range) -> None:
        for n in numbers:
            event = CloudEvent.create(TYPE, "/tests/fetch-bound", {"n": n}, subject=f"s-{n}")
            await kafka.send(topic, event.body(), key=str(n).encode(), headers=event.headers())
        await kafka.flush()

    consumer = BatchConsumer(
        name="fetch-bound",
        db=db,
        bootstrap_servers=kafka_bootstrap,
        topics=[topic],
        group_id=f"g-{uuid.uuid4().hex[:8]}",
        dlq_producer=producer,
        handler=handler,
        event_types={TYPE},
        poll_timeout_ms=300,
        consumer_options=dict(BUSY),
    )
    await consumer.start()
    try:
        await eventually(lambda: consumer.running and consumer._consumer is not None, 60)
        assert consumer._consumer is not None
        await eventually(lambda: bool(consumer._consumer.assignment()), 60)
        fetches = FetchCount(consumer)

        # nothing arrives: after the first empty poll every fetch is the long poll (each
        # parked for it: 15 s since ADR 0084)
        await eventually(
            lambda: len([w for _, w in fetches.sent if w == IDLE_MAX_WAIT_MS]) >= 2, 120
        )
        quiet_from = max(when for when, wait in fetches.sent if wait == IDLE_MAX_WAIT_MS)
        await eventually(lambda: len(fetches.since(quiet_from)) >= 2, 120)
        assert set(fetches.since(quiet_from)) == {IDLE_MAX_WAIT_MS}

        # one record arrives: the waiting fetch takes it, the handler stores it
        await send(range(1))
        await eventually(lambda: _has(rows, [0]), 60, what="the first record after quiet")

        # a burst: all of it handled, and the busy bound is back while it arrives
        await send(range(1, 3001))
        await eventually(lambda: _has(rows, list(range(3001))), 120, what="the burst")
        assert 20 in {wait for _, wait in fetches.sent}
    finally:
        await consumer.stop()
        await producer.close()


async def _has(rows: Any, wanted: list[int]) -> bool:
    return bool(await rows() == wanted)
