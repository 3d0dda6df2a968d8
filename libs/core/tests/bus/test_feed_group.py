"""Feeds sharing one group member (ADR 0070), on a real broker and a real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from prometheus_client import REGISTRY
from sqlalchemy import delete, select

from bushelpers import Broker, Happened, effects, make_consumer, make_event, new_topic, read_all
from sc_core.bus import EventConsumer, ProducerHandle
from sc_core.bus.batch import BatchConsumer
from sc_core.bus.cloudevents import Envelope
from sc_core.bus.feeds import FeedGroup
from sc_core.db import Database
from sc_core.db.tables import new_metadata, platform_tables
from sc_core.db.uow import UnitOfWork
from sc_core.service import Runtime
from sc_core.settings import ServiceSettings
from sc_devinfra.waiting import eventually


def feed(
    broker: Broker, db: Database, topic: str, name: str, producer: ProducerHandle, **kw: object
) -> EventConsumer:
    consumer = make_consumer(broker, db, topic, name, producer, retry_backoff=0.01, **kw)

    @consumer.on(Happened, envelope=True)
    async def record(data: Happened, uow: UnitOfWork, envelope: Envelope) -> None:
        await uow.session.execute(effects.insert().values(event_id=envelope.id, value=name))

    return consumer


def group_of(
    broker: Broker,
    db: Database,
    producer: ProducerHandle,
    *feeds: EventConsumer,
    batches: list[BatchConsumer] | None = None,
    group_id: str | None = None,
) -> FeedGroup:
    return FeedGroup(
        feeds=list(feeds),
        batches=batches,
        name="feeds",
        bootstrap_servers=broker.bootstrap,
        group_id=group_id or f"shared-{uuid.uuid4().hex[:6]}",
        db=db,
        dlq_producer=producer,
    )


async def handled(db: Database) -> Counter[tuple[str, str]]:
    """(feed, event id) -> how many effects."""
    async with db.engine.connect() as conn:
        rows = (await conn.execute(select(effects.c.value, effects.c.event_id))).all()
    return Counter((r[0], r[1]) for r in rows)


async def send(producer: ProducerHandle, topic: str, ns: range, **data: object) -> list[str]:
    kafka = await producer.get()
    ids = []
    for i in ns:
        event = make_event(i, **data)
        await kafka.send_and_wait(topic, event.body(), key=str(i).encode(), headers=event.headers())
        ids.append(event.envelope.id)
    return ids


async def committed(broker: Broker, group: str) -> dict[TopicPartition, int]:
    admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
    await admin.start()
    try:
        found = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp: m.offset for tp, m in found.items() if m.offset >= 0}


def test_plain_feeds_share_one_member_and_feeds_with_options_keep_their_own() -> None:
    metadata = new_metadata()
    platform_tables(metadata)
    runtime = Runtime(ServiceSettings(service_name="things"), metadata)
    a, b = runtime.consumer(name="a"), runtime.consumer(name="b")
    own = runtime.consumer(name="own", group_id="things.own")
    [shared, separate] = runtime.members()
    assert isinstance(shared, FeedGroup)
    assert (shared.group_id, shared.feeds, separate) == ("things.feeds", [a, b], own)
    assert runtime.consumers == [a, b, own]  # the feeds, as registered (readiness, tests)

    apart = Runtime(ServiceSettings(service_name="things", kafka_feeds_share_group=False))
    feeds = [apart.consumer(name="a"), apart.consumer(name="b")]
    assert apart.members() == feeds
    assert [f.group_id for f in feeds] == ["things.a", "things.b"]


def test_a_plain_batch_consumer_rides_the_shared_member_and_one_with_options_does_not() -> None:
    """ADR 0083: care's, commerce's and parking-payment's telemetry readers (no options)
    join their service's feeds; the alarm evaluator, storage and audit (options) do not."""
    metadata = new_metadata()
    platform_tables(metadata)
    runtime = Runtime(ServiceSettings(service_name="things"), metadata)
    feed_ = runtime.consumer(name="alarms")
    plain = runtime.batch_consumer(name="telemetry", model=Happened, handler=_ignore)
    tuned = runtime.batch_consumer(name="storage", model=Happened, handler=_ignore, max_batch=9)
    [shared] = runtime.members()
    assert isinstance(shared, FeedGroup)
    assert (shared.feeds, shared.batches) == ([feed_], [plain])
    assert plain.carrier is shared and tuned.carrier is None
    assert shared.max_batch == plain.max_batch  # polls as large as its own client's
    assert runtime.batch_consumers == [plain, tuned]  # readiness still names both

    alone = Runtime(ServiceSettings(service_name="audit"), metadata)
    only = alone.batch_consumer(name="store", model=Happened, handler=_ignore)
    assert alone.members() == [] and only.carrier is None  # nothing to share a member with


async def _ignore(events: list[Happened], uow: UnitOfWork) -> None:
    return None


async def test_one_event_type_reaches_both_feeds_once(broker: Broker, db: Database) -> None:
    topic = await new_topic(broker)
    producer = broker.producer()
    a, b = (feed(broker, db, topic, n, producer) for n in ("a", "b"))
    group = group_of(broker, db, producer, a, b)
    ids = await send(producer, topic, range(12))
    await group.start()
    try:
        expected = Counter({(f, i): 1 for f in ("a", "b") for i in ids})
        await eventually(lambda: _equals(db, expected), 90)
        assert a.alive and b.alive  # the feeds live while their member does
        assert await a.assignment() == await group.assignment() != set()
    finally:
        await group.stop()
        await producer.close()
    assert not a.alive


async def test_a_failing_feed_dead_letters_while_the_other_feeds_effect_stands(
    broker: Broker, db: Database
) -> None:
    topic = await new_topic(broker, partitions=1)
    producer = broker.producer()
    good = feed(broker, db, topic, "good", producer)
    bad = make_consumer(broker, db, topic, "bad", producer, max_retries=2, retry_backoff=0.01)

    @bad.on(Happened, envelope=True)
    async def refuse_poison(data: Happened, uow: UnitOfWork, envelope: Envelope) -> None:
        if data.poison:
            raise ValueError("cannot handle this one")
        await uow.session.execute(effects.insert().values(event_id=envelope.id, value="bad"))

    group = group_of(broker, db, producer, good, bad)
    [poison] = await send(producer, topic, range(1), poison=True)
    [after] = await send(producer, topic, range(1, 2))
    await group.start()
    try:
        expected = Counter({("good", poison): 1, ("good", after): 1, ("bad", after): 1})
        await eventually(lambda: _equals(db, expected), 90)
        [letter] = await read_all(broker, f"{topic}.dlq", 1)
        headers = dict(letter.headers)
        assert headers["x-dlq-consumer"] == b"bad"
        assert headers["x-dlq-attempts"] == b"3"
        end = {TopicPartition(topic, 0): 2}
        await eventually(lambda: _committed_is(broker, group.group_id, end), 60)
    finally:
        await group.stop()
        await producer.close()
    assert await handled(db) == expected  # the poison's retries left no second effect


async def test_offsets_are_committed_only_after_every_feed(broker: Broker, db: Database) -> None:
    topic = await new_topic(broker, partitions=1)
    producer = broker.producer()
    fast = feed(broker, db, topic, "fast", producer)
    slow = make_consumer(broker, db, topic, "slow", producer)
    release = asyncio.Event()

    @slow.on(Happened, envelope=True)
    async def wait_then_record(data: Happened, uow: UnitOfWork, envelope: Envelope) -> None:
        await release.wait()
        await uow.session.execute(effects.insert().values(event_id=envelope.id, value="slow"))

    group = group_of(broker, db, producer, fast, slow)
    ids = await send(producer, topic, range(3))
    await group.start()
    try:
        await eventually(lambda: _equals(db, Counter({("fast", i): 1 for i in ids})), 90)
        # the fast feed is done, the slow one holds the poll: nothing committed yet
        assert await committed(broker, group.group_id) == {}
        release.set()
        end = {TopicPartition(topic, 0): 3}
        await eventually(lambda: _committed_is(broker, group.group_id, end), 60)
        assert await handled(db) == Counter({(f, i): 1 for f in ("fast", "slow") for i in ids})
    finally:
        release.set()
        await group.stop()
        await producer.close()


async def test_old_groups_offsets_carry_over_and_no_event_is_seen_twice_or_skipped(
    broker: Broker, db: Database
) -> None:
    topic = await new_topic(broker, partitions=3)
    producer = broker.producer()
    tag = uuid.uuid4().hex[:6]
    names = (f"ahead-{tag}", f"behind-{tag}")
    old = {n: f"old.{n}" for n in names}
    ahead, behind = (feed(broker, db, topic, n, producer, group_id=old[n]) for n in names)

    async def consume_alone(consumer: EventConsumer, ids: list[str]) -> None:
        """One feed as its own group, as before ADR 0070, until it committed every id."""
        await consumer.start()
        try:
            want = Counter({(consumer.name, i): 1 for i in ids})
            await eventually(lambda: _feed_equals(db, consumer.name, want), 90)
            await eventually(lambda: _committed_total(broker, old[consumer.name], len(ids)), 60)
        finally:
            await consumer.stop()

    first = await send(producer, topic, range(5))
    await consume_alone(behind, first)
    second = await send(producer, topic, range(5, 10))
    await consume_alone(ahead, first + second)
    async with db.uow() as uow:  # the inbox pruned: the skip alone must hold
        await uow.session.execute(delete(db.tables.inbox))
        await uow.commit()
    third = await send(producer, topic, range(10, 15))

    feeds = [feed(broker, db, topic, n, producer, group_id=old[n]) for n in names]
    group = group_of(broker, db, producer, *feeds)
    await group.start()
    try:
        every = first + second + third
        expected = Counter({(n, i): 1 for n in names for i in every})
        await eventually(lambda: _equals(db, expected), 90)
    finally:
        await group.stop()
        await producer.close()
    # seeded where both old groups had committed: the records the behind feed had handled
    # were not fetched again; the ahead feed skipped what its own old group had handled
    assert _count(names[0], topic, "carried_over") == _skipped(group, feeds[0], first)
    assert await handled(db) == expected


def batch_reader(
    broker: Broker, db: Database, topic: str, producer: ProducerHandle, seen: list[list[int]]
) -> BatchConsumer:
    """A batch consumer of ``topic`` (its own group) noting each call's readings, by n."""

    async def note(events: list[Happened], uow: UnitOfWork) -> None:
        seen.append([event.n for event in events])

    return BatchConsumer(
        name=f"batch-{uuid.uuid4().hex[:6]}",
        db=db,
        bootstrap_servers=broker.bootstrap,
        topics=[topic],
        group_id=f"old.batch-{uuid.uuid4().hex[:6]}",
        dlq_producer=producer,
        handler=note,
        model=Happened,
    )


async def test_a_carried_batch_consumer_gets_its_readings_in_batches_and_they_are_committed(
    broker: Broker, db: Database
) -> None:
    events, readings = await new_topic(broker), await new_topic(broker, partitions=2)
    producer = broker.producer()
    alarms = feed(broker, db, events, "alarms", producer)
    seen: list[list[int]] = []
    telemetry = batch_reader(broker, db, readings, producer, seen)
    group = group_of(broker, db, producer, alarms, batches=[telemetry])
    ids = await send(producer, events, range(4))
    await send(producer, readings, range(100, 140))
    await telemetry.start()  # carried: its own start joins nothing
    assert telemetry._task is None
    await group.start()
    try:
        await eventually(lambda: _equals(db, Counter({("alarms", i): 1 for i in ids})), 90)
        await eventually(lambda: sorted(n for call in seen for n in call) == [*range(100, 140)], 90)
        assert telemetry.alive
        # handed over in batches (a poll's readings in one call), none twice
        assert len(seen) < 40
        end = await _ends(broker, readings, 2)
        assert sum(end.values()) == 40
        await eventually(lambda: _committed_has(broker, group.group_id, end), 60)
    finally:
        await group.stop()
        await telemetry.stop()
        await producer.close()
    assert not telemetry.alive


async def test_a_batch_consumer_moving_into_a_running_shared_group_starts_after_its_old_offsets(
    broker: Broker, db: Database
) -> None:
    """The service's shared group has committed its feeds' offsets already (ADR 0070); the
    batch consumer joining it (ADR 0083) starts where its own old group stopped: its old
    records are neither handled again nor fetched again."""
    events, readings = await new_topic(broker), await new_topic(broker, partitions=2)
    producer = broker.producer()
    shared_group = f"shared-{uuid.uuid4().hex[:6]}"
    seen: list[list[int]] = []
    telemetry = batch_reader(broker, db, readings, producer, seen)
    await send(producer, readings, range(0, 10))
    await telemetry.start()  # on its own, as before ADR 0083
    try:
        await eventually(lambda: sum(len(c) for c in seen) == 10, 90)
        await eventually(lambda: _committed_total(broker, telemetry.group_id, 10), 60)
    finally:
        await telemetry.stop()

    first = feed(broker, db, events, "alarms", producer)
    await send(producer, events, range(3))
    alone = group_of(broker, db, producer, first, group_id=shared_group)
    await alone.start()  # the shared group as ADR 0070 left it: the feeds only
    try:
        await eventually(lambda: _committed_total(broker, shared_group, 3), 90)
    finally:
        await alone.stop()

    seen.clear()
    await send(producer, readings, range(10, 15))
    carried = batch_reader(broker, db, readings, producer, seen)
    carried.name, carried.group_id = telemetry.name, telemetry.group_id
    alarms = feed(broker, db, events, "alarms", producer)
    group = group_of(broker, db, producer, alarms, batches=[carried], group_id=shared_group)
    await group.start()
    try:
        await eventually(lambda: sorted(n for c in seen for n in c) == [*range(10, 15)], 90)
        await eventually(lambda: _committed_total(broker, shared_group, 3 + 15), 60)
    finally:
        await group.stop()
        await producer.close()
    labels = {"consumer": carried.name, "outcome": "carried_over"}
    # seeded at its old group's offsets: nothing below them was fetched to be skipped
    assert (REGISTRY.get_sample_value("batch_events_consumed_total", labels) or 0.0) == 0.0
    assert sorted(n for c in seen for n in c) == [*range(10, 15)]


async def _ends(broker: Broker, topic: str, partitions: int) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=broker.bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
    finally:
        await consumer.stop()
    return dict(ends)


async def _committed_has(broker: Broker, group: str, offsets: dict[TopicPartition, int]) -> bool:
    found = await committed(broker, group)
    return all(found.get(tp) == o for tp, o in offsets.items())


def _count(feed_name: str, topic: str, outcome: str) -> float:
    labels = {"consumer": feed_name, "topic": topic, "outcome": outcome}
    return REGISTRY.get_sample_value("events_consumed_total", labels) or 0.0


def _skipped(group: FeedGroup, ahead: EventConsumer, first: list[str]) -> int:
    """Records the ahead feed skipped: those between the seed and its old offsets."""
    below = group.skip_below(ahead)
    assert sum(below.values()) == 10, below  # its old group had committed all ten
    return 10 - len(first)  # the seed stood where the behind feed's group had stopped


async def _equals(db: Database, expected: Counter[tuple[str, str]]) -> bool:
    return await handled(db) == expected


async def _feed_equals(db: Database, name: str, expected: Counter[tuple[str, str]]) -> bool:
    return Counter({k: v for k, v in (await handled(db)).items() if k[0] == name}) == expected


async def _committed_is(broker: Broker, group: str, offsets: dict[TopicPartition, int]) -> bool:
    return await committed(broker, group) == offsets


async def _committed_total(broker: Broker, group: str, total: int) -> bool:
    return sum((await committed(broker, group)).values()) == total
