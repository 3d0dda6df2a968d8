"""A consumer's lag is a Prometheus gauge (`events_consumer_lag_records`), per partition:
what an alert or a KEDA ScaledObject reads to add consumers."""

from __future__ import annotations

import asyncio

from prometheus_client import REGISTRY

from bushelpers import Broker, Happened, make_consumer, make_event, new_topic, wait_until
from sc_core.db import Database
from sc_core.db.uow import UnitOfWork


def _lag(consumer: str, topic: str) -> float | None:
    return REGISTRY.get_sample_value(
        "events_consumer_lag_records",
        {"consumer": consumer, "topic": topic, "partition": "0"},
    )


async def test_lag_shows_waiting_records_and_returns_to_zero(broker: Broker, db: Database) -> None:
    topic = await new_topic(broker, partitions=1)
    producer = broker.producer()
    consumer = make_consumer(broker, db, topic, "lagging", producer, max_batch=1)
    release = asyncio.Event()

    @consumer.on(Happened)
    async def slow(data: Happened, uow: UnitOfWork) -> None:
        await release.wait()

    kafka = await producer.get()
    for i in range(30):
        event = make_event(i)
        await kafka.send_and_wait(topic, event.body(), key=b"k", headers=event.headers())
    await consumer.start()
    try:
        # the first poll took one record: 29 are waiting behind it
        await wait_until(lambda: (_lag("lagging", topic) or 0) >= 29)
        release.set()
        await wait_until(lambda: _lag("lagging", topic) == 0, timeout=60)
    finally:
        release.set()
        await consumer.stop()
        await producer.close()
