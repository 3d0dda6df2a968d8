"""The batch consumer on a real broker and PostgreSQL: one transaction per poll, bad
records to the DLQ while the rest goes through, offsets committed after the effect."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from sc_core.bus import CloudEvent, ProducerHandle, dlq_topic
from sc_core.bus.batch import BatchConsumer
from sc_core.db import Database, platform_tables
from sc_core.db.uow import UnitOfWork
from sc_devinfra.pytest_plugin import create_topic
from sc_devinfra.waiting import eventually

metadata = MetaData()
tables = platform_tables(metadata)
effects = Table(
    "batch_effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),
    Column("n", Integer, nullable=False),
)
TYPE = "community.test.happened.v1"


@pytest.fixture
async def db(fresh_database_url: str) -> AsyncIterator[Database]:
    database = Database(fresh_database_url, tables, pool_size=3)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


async def _topic(bootstrap: str) -> str:
    topic = f"test.batch-{uuid.uuid4().hex[:10]}.v1"
    await create_topic(bootstrap, topic, partitions=2)
    await create_topic(bootstrap, f"{topic}.dlq", partitions=1)
    return topic


def _event(n: int) -> CloudEvent:
    return CloudEvent.create(TYPE, "/tests/batch", {"n": n}, subject=f"s-{n % 5}")


async def _rows(db: Database) -> list[int]:
    async with db.engine.connect() as conn:
        return sorted((await conn.execute(select(effects.c.n))).scalars().all())


async def _wait(predicate, timeout: float = 40.0) -> None:  # type: ignore[no-untyped-def]
    await eventually(predicate, timeout, 0.05)


def _consumer(
    db: Database,
    bootstrap: str,
    topic: str,
    group: str,
    producer: ProducerHandle,
    handler,  # type: ignore[no-untyped-def]
    commit_interval_s: float = 0.0,
) -> BatchConsumer:
    return BatchConsumer(
        name=f"batch-{group}",
        db=db,
        bootstrap_servers=bootstrap,
        topics=[topic],
        group_id=group,
        dlq_producer=producer,
        handler=handler,
        event_types={TYPE},
        max_batch=500,
        max_retries=1,
        retry_backoff=0.01,
        commit_interval_s=commit_interval_s,
    )


async def test_batches_share_a_transaction_and_bad_records_go_to_the_dlq(
    db: Database, kafka_bootstrap: str, kafka_idempotence: bool
) -> None:
    topic = await _topic(kafka_bootstrap)
    producer = ProducerHandle(kafka_bootstrap, client_id="t", enable_idempotence=kafka_idempotence)
    kafka = await producer.get()
    for n in range(200):
        event = _event(n)
        await kafka.send(topic, event.body(), key=str(n % 5).encode(), headers=event.headers())
    await kafka.send_and_wait(topic, b"not a cloud event", key=b"x")  # no ce_* headers
    calls: list[int] = []

    async def handler(events: list[CloudEvent], uow: UnitOfWork) -> None:
        calls.append(len(events))
        for event in events:
            if event.data["n"] == 13:
                raise ValueError("13 is refused")
            await uow.session.execute(effects.insert().values(event_id=event.id, n=event.data["n"]))

    group = f"g-{uuid.uuid4().hex[:8]}"
    consumer = _consumer(db, kafka_bootstrap, topic, group, producer, handler)
    await consumer.start()
    try:

        async def all_in() -> bool:
            return len(await _rows(db)) >= 199

        await _wait(all_in)
        await asyncio.sleep(0.5)
        assert await _rows(db) == [n for n in range(200) if n != 13]
        # a batch that failed was handled one by one: every batch call but those is > 1
        assert max(calls) > 1
    finally:
        await consumer.stop()

    dlq = AIOKafkaConsumer(
        dlq_topic(topic), bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
    )
    await dlq.start()
    try:
        got: list[bytes] = []
        deadline = asyncio.get_running_loop().time() + 30
        while len(got) < 2 and asyncio.get_running_loop().time() < deadline:
            for records in (await dlq.getmany(timeout_ms=500)).values():
                got.extend(r.value for r in records)
        assert b"not a cloud event" in got
        assert any(b'"n":13' in v for v in got)
        assert len(got) == 2
    finally:
        await dlq.stop()

    # offsets were committed: the same group starting again handles nothing twice
    again = _consumer(db, kafka_bootstrap, topic, group, producer, handler)
    calls.clear()
    await again.start()
    try:
        last = _event(999)
        await kafka.send_and_wait(topic, last.body(), key=b"1", headers=last.headers())

        async def last_in() -> bool:
            return 999 in await _rows(db)

        await _wait(last_in)
        assert len(await _rows(db)) == 200
        async with db.engine.connect() as conn:
            distinct = await conn.scalar(select(func.count(func.distinct(effects.c.event_id))))
        assert distinct == 200
    finally:
        await again.stop()
        await producer.close()


async def _committed(bootstrap: str, topic: str, group: str) -> int:
    """How many records of ``topic`` the group has committed (the sum of its offsets)."""
    probe = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await probe.start()
    try:
        total = 0
        for p in sorted(probe.partitions_for_topic(topic) or await _partitions(probe, topic)):
            total += await probe.committed(TopicPartition(topic, p)) or 0
        return total
    finally:
        await probe.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    cluster = await consumer._client.fetch_all_metadata()
    return cluster.partitions_for_topic(topic) or set()


async def test_offsets_committed_at_most_each_interval_and_all_of_them_on_stop(
    db: Database, kafka_bootstrap: str, kafka_idempotence: bool
) -> None:
    topic = await _topic(kafka_bootstrap)
    producer = ProducerHandle(kafka_bootstrap, client_id="t", enable_idempotence=kafka_idempotence)
    kafka = await producer.get()

    async def handler(events: list[CloudEvent], uow: UnitOfWork) -> None:
        for event in events:
            await uow.session.execute(effects.insert().values(event_id=event.id, n=event.data["n"]))

    async def send(numbers: range) -> None:
        for n in numbers:
            event = _event(n)
            await kafka.send(topic, event.body(), key=str(n % 5).encode(), headers=event.headers())
        await kafka.flush()

    async def handled(count: int):  # type: ignore[no-untyped-def]
        async def check() -> bool:
            return len(await _rows(db)) >= count

        return check

    group = f"g-{uuid.uuid4().hex[:8]}"
    consumer = _consumer(db, kafka_bootstrap, topic, group, producer, handler, 3600.0)
    await consumer.start()
    try:
        await send(range(10))
        await _wait(await handled(10))

        async def first_commit() -> bool:  # the first batch's offsets go at once
            return await _committed(kafka_bootstrap, topic, group) > 0

        await _wait(first_commit)
        first = await _committed(kafka_bootstrap, topic, group)
        assert first <= 10
        await send(range(10, 100))
        await _wait(await handled(100))
        await asyncio.sleep(0.5)
        # handled, but within the interval: not committed yet
        assert await _committed(kafka_bootstrap, topic, group) == first
    finally:
        await consumer.stop()
    # stopping committed everything handled: the same group starts after it
    assert await _committed(kafka_bootstrap, topic, group) == 100
    again = _consumer(db, kafka_bootstrap, topic, group, producer, handler, 3600.0)
    await again.start()
    try:
        await send(range(100, 101))
        await _wait(await handled(101))
        await asyncio.sleep(0.5)
        assert await _rows(db) == list(range(101))
    finally:
        await again.stop()
        await producer.close()
