"""A service's database restored from a backup, its consumer group rewound to before the
backup: every event has exactly one effect again (deploy/OPERATIONS.md section 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client import REGISTRY

from bushelpers import (
    Broker,
    Happened,
    effect_counts,
    make_consumer,
    make_event,
    new_topic,
    record_effect,
    tables,
    wait_until,
)
from sc_core.bus.rewind import rewind_group
from sc_core.db import Database
from sc_devinfra.postgres import dump_database, restore_database


def _duplicates(consumer: str, topic: str) -> float:
    value = REGISTRY.get_sample_value(
        "events_consumed_total", {"consumer": consumer, "topic": topic, "outcome": "duplicate"}
    )
    return value or 0.0


async def test_restore_then_rewind_gives_each_event_one_effect(
    broker: Broker, db: Database, fresh_database_url: str, tmp_path: Path
) -> None:
    topic = await new_topic(broker, partitions=3)
    producer = broker.producer()
    kafka = await producer.get()
    group = f"restore-{topic[-10:]}"
    started = datetime.now(UTC) - timedelta(seconds=5)

    async def send(numbers: range) -> None:
        for i in numbers:
            event = make_event(i)
            await kafka.send_and_wait(topic, event.body(), key=b"k%d" % i, headers=event.headers())

    # one consumer name throughout, as in a service: the inbox is keyed by it
    name = "handler"

    async def consume_until(database: Database, effects: int) -> None:
        consumer = make_consumer(broker, database, topic, name, producer, group_id=group)
        consumer.on(Happened, envelope=True)(record_effect)
        await consumer.start()
        try:
            await wait_until(lambda: _at_least(database, effects), timeout=60)
        finally:
            await consumer.stop()

    # 30 events handled, then the nightly backup
    await send(range(30))
    await consume_until(db, 30)
    backup = tmp_path / "service.dump"
    dump_database(fresh_database_url, backup)
    # 20 more handled after it; then the database is lost
    await send(range(30, 50))
    await consume_until(db, 50)
    await db.dispose()

    restore_database(fresh_database_url, backup)
    restored = Database(fresh_database_url, tables, pool_size=5)
    try:
        assert await effect_counts(restored) == (30, 30)  # the backup's state
        # the group's offsets are past all 50: without a rewind the 20 would never return
        moved = await rewind_group(broker.bootstrap, group, [topic], started)
        assert set(moved.values()) == {0}
        consumer = make_consumer(broker, restored, topic, name, producer, group_id=group)
        consumer.on(Happened, envelope=True)(record_effect)
        await consumer.start()
        try:
            # all 50 come again: the 30 the restored inbox knows change nothing
            await wait_until(lambda: _duplicates(name, topic) >= 30, timeout=60)
            await wait_until(lambda: _at_least(restored, 50), timeout=60)
        finally:
            await consumer.stop()
        assert await effect_counts(restored) == (50, 50)
    finally:
        await restored.dispose()
        await producer.close()


async def _at_least(database: Database, n: int) -> bool:
    rows, _ = await effect_counts(database)
    return rows >= n
