"""An idle consumer's fetches wait at the broker for the long poll (issue 28, ADR 0067),
and what it delays is only the idle cost: a record that arrives is handled, a second
replica that joins the group (a rebalance) takes its share and every record is handled
once, and the consumers stop."""

from __future__ import annotations

import time
from typing import Any

from aiokafka.protocol.fetch import FetchRequest

from bushelpers import (
    Broker,
    Happened,
    effect_counts,
    make_consumer,
    make_event,
    new_topic,
    record_effect,
    wait_until,
)
from sc_core.bus import EventConsumer
from sc_core.bus.long_poll import LONG_POLL_MS
from sc_core.db import Database


class FetchWaits:
    """The max wait of each fetch a consumer's client sends (each still goes out)."""

    def __init__(self, consumer: EventConsumer) -> None:
        assert consumer._consumer is not None
        client = consumer._consumer._client
        self.sent: list[tuple[float, int]] = []
        real = client.send

        async def send(node_id: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(request, FetchRequest):
                self.sent.append((time.monotonic(), request._max_wait_ms))
            return await real(node_id, request, *args, **kwargs)

        client.send = send


async def test_idle_fetches_are_the_long_poll_and_a_rebalance_loses_nothing(
    broker: Broker, db: Database
) -> None:
    topic = await new_topic(broker, partitions=4)
    producer = broker.producer()
    kafka = await producer.get()
    first = make_consumer(broker, db, topic, "long-poll", producer)
    first.on(Happened, envelope=True)(record_effect)
    second = make_consumer(broker, db, topic, "long-poll", producer, group_id=first.group_id)
    second.on(Happened, envelope=True)(record_effect)

    async def send(numbers: range) -> None:
        for i in numbers:
            event = make_event(i)
            await kafka.send(topic, event.body(), key=str(i).encode(), headers=event.headers())
        await kafka.flush()

    await first.start()
    try:
        await wait_until(lambda: first._consumer is not None and first._consumer.assignment(), 60)
        assert first._consumer is not None
        fetches = FetchWaits(first)
        await wait_until(lambda: len(fetches.sent) >= 2, 60)
        assert {wait for _, wait in fetches.sent} == {LONG_POLL_MS}

        await send(range(1))  # completes the parked fetch
        await wait_until(lambda: _handled(db, 1), 60)

        await second.start()  # the group rebalances: four partitions over two replicas
        await wait_until(
            lambda: second._consumer is not None and len(second._consumer.assignment()) == 2, 90
        )
        await wait_until(
            lambda: first._consumer is not None and len(first._consumer.assignment()) == 2, 90
        )
        await send(range(1, 201))
        await wait_until(lambda: _handled(db, 201), 90)
        assert await effect_counts(db) == (201, 201)  # each once
    finally:
        await second.stop()
        await first.stop()
        await producer.close()


async def _handled(db: Database, n: int) -> bool:
    rows, _ = await effect_counts(db)
    return rows >= n
