"""An idle consumer's fetches wait at the broker for the long poll (issue 28, ADR 0067),
and what it delays is only the idle cost: a record that arrives is handled, a second
replica that joins the group (a rebalance) takes its share and every record is handled
once, and the consumers stop."""

from __future__ import annotations

import asyncio
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
from sc_core.bus.long_poll import FETCH_CONNECTIONS, LONG_POLL_MS, set_fetch_wait
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


# a fetch parked far longer than any bound below; aiokafka gives up on a request after
# ``request_timeout_ms``, so the test's members allow a little more than it
PARKED_MS = 300_000
PATIENT = {"request_timeout_ms": PARKED_MS + 5_000}


async def test_metadata_and_end_offsets_do_not_wait_behind_a_parked_fetch(
    broker: Broker, db: Database
) -> None:
    """ADR 0084: a member's fetches ride connections of their own, so its other requests
    to the same broker (the stall watch's end_offsets, a metadata refresh) are answered
    while a fetch is parked there; on the shared connection they waited it out."""
    topic = await new_topic(broker, partitions=2)
    producer = broker.producer()
    member = make_consumer(broker, db, topic, "apart", producer, consumer_options=PATIENT)
    member.on(Happened, envelope=True)(record_effect)
    await member.start()
    try:
        await wait_until(lambda: _owns(member, 2), 90)
        client = member._consumer
        assert client is not None and member.parked is not None and member.parked.apart
        assert set_fetch_wait(client, 1, PARKED_MS)
        fetches = FetchWaits(member)
        await wait_until(lambda: any(w == PARKED_MS for _, w in fetches.sent), 60)
        assert any(key[1] == FETCH_CONNECTIONS for key in client._client._conns)

        ends = await asyncio.wait_for(client.end_offsets(list(client.assignment())), 120)
        assert set(ends) == client.assignment()
        refreshed = await asyncio.wait_for(client._client.force_metadata_update(), 120)
        assert refreshed is True
    finally:
        await member.stop()
        await producer.close()


async def test_a_new_assignments_first_fetch_does_not_wait_behind_the_parked_one(
    broker: Broker, db: Database
) -> None:
    """ADR 0084: when the group gives a member partitions it did not have, the fetch it
    parked for the old ones is dropped, so records waiting on the new partitions are
    handled at once, not when the parked fetch ends."""
    topic = await new_topic(broker, partitions=4)
    producer = broker.producer()
    kafka = await producer.get()
    first = make_consumer(broker, db, topic, "reassigned", producer, consumer_options=PATIENT)
    first.on(Happened, envelope=True)(record_effect)
    second = make_consumer(broker, db, topic, "reassigned", producer, group_id=first.group_id)
    second.on(Happened, envelope=True)(record_effect)
    await first.start()
    await second.start()
    try:
        await wait_until(lambda: _owns(first, 2) and _owns(second, 2), 90)
        assert first._consumer is not None and first.parked is not None
        theirs = set(second._consumer.assignment()) if second._consumer else set()
        assert set_fetch_wait(first._consumer, 1, PARKED_MS)
        fetches = FetchWaits(first)
        await wait_until(lambda: any(w == PARKED_MS for _, w in fetches.sent), 60)
        dropped = first.parked.dropped
        await second.stop()  # the first member gets the second's partitions
        await wait_until(lambda: _owns(first, 4), 90)
        assert first.parked.dropped > dropped
        client = first._consumer
        for i, tp in enumerate(sorted(theirs)):
            event = make_event(i)
            await kafka.send_and_wait(
                topic, event.body(), partition=tp.partition, headers=event.headers()
            )
        # a fetch sent after the reassignment found these, by the same client: without
        # the drop, the new partitions' offset lookup and fetch queued behind the parked
        # fetch until the stall watch gave up on the brokers (15 s) and made a new client
        await wait_until(lambda: _handled(db, len(theirs)), 120)
        assert first._consumer is client
    finally:
        await second.stop()
        await first.stop()
        await producer.close()


def _owns(consumer: EventConsumer, n: int) -> bool:
    return consumer._consumer is not None and len(consumer._consumer.assignment()) == n


async def _handled(db: Database, n: int) -> bool:
    rows, _ = await effect_counts(db)
    return rows >= n
