"""A partition whose leader is lost is read again at once, though the broker that takes
it holds a fetch parked for other partitions (ADR 0084).

An idle group member parks a fetch at each broker leading one of its partitions
(``LONG_POLL_MS``), and aiokafka sends one fetch per broker at a time. When the leader of a
partition is killed, the partition's fetch must go to the new leader, which already holds
that member's parked fetch; and the metadata request that shows the new leader went on the
same connections as the parked fetches. Without ``ParkedFetches`` (fetches on connections
of their own, dropped when a leader moves) the record waits the parked fetches out. Here
they are made 300 s long (the member allows its requests a little more) and the record
written to the moved partition must be handled far sooner.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.protocol.fetch import FetchRequest
from sqlalchemy import Column, Integer, MetaData, Table, func, select

from sc_contracts.events.base import EventData
from sc_core.bus import CloudEvent, EventConsumer, ProducerHandle
from sc_core.bus.long_poll import set_fetch_wait
from sc_core.db import Database, platform_tables
from sc_core.db.uow import UnitOfWork
from sc_devinfra import kafka_wire
from sc_devinfra.apache_kafka import KafkaCluster
from sc_devinfra.topics import create_topic
from sc_devinfra.waiting import eventually

PARKED_MS = 300_000

metadata = MetaData()
tables = platform_tables(metadata)
seen = Table(
    "seen",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("n", Integer, nullable=False),
)


class Ping(EventData):
    n: int


Ping.event_type = "community.test.ping.v1"
Ping.topic = "test.ping.v1"


@pytest.fixture
async def db(fresh_database_url: str) -> AsyncIterator[Database]:
    database = Database(fresh_database_url, tables, pool_size=3)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


@pytest.mark.timeout(600)
async def test_a_moved_partition_is_fetched_at_once_despite_a_parked_fetch(
    healthy_cluster: KafkaCluster, db: Database
) -> None:
    cluster = healthy_cluster
    topic = f"test.parked-{uuid.uuid4().hex[:8]}.v1"
    await create_topic(cluster.bootstrap, topic, partitions=3, replication_factor=3)
    leaders = {p: cluster.wait_for_leader(topic, p) for p in range(3)}
    for node in range(3):  # a member joining on a broker's stale metadata gets nothing
        await eventually(lambda n=node: _knows(cluster, n, topic), 60, what="the topic")
    dlq = ProducerHandle(cluster.bootstrap, client_id="parked-dlq")
    member = EventConsumer(
        name="parked",
        bootstrap_servers=cluster.bootstrap,
        topics=[topic],
        topic_for=lambda _name: topic,
        group_id=f"parked-{uuid.uuid4().hex[:6]}",
        db=db,
        dlq_producer=dlq,
        consumer_options={
            "request_timeout_ms": PARKED_MS + 5_000,
            # a topic created a moment ago: the group's leader may assign from metadata
            # that lacks it (seen on a cluster just started), and only its next refresh
            # makes the group rebalance (aiokafka's default refresh: every 5 minutes)
            "metadata_max_age_ms": 5_000,
        },
    )

    @member.on(Ping)
    async def note(data: Ping, uow: UnitOfWork) -> None:
        await uow.session.execute(seen.insert().values(n=data.n))

    producer = AIOKafkaProducer(bootstrap_servers=cluster.bootstrap, acks="all")
    await producer.start()
    killed: int | None = None
    await member.start()
    try:
        await eventually(lambda: _owns(member, 3), 120, what="three partitions")
        assert member._consumer is not None and member.parked is not None
        parked = _parked_fetches(member)
        assert set_fetch_wait(member._consumer, 1, PARKED_MS)
        # every broker leading a partition holds one of the member's 300 s fetches
        await eventually(lambda: set(leaders.values()) <= parked, 90, what="parked fetches")
        client = member._consumer
        moved = 0
        killed = leaders[moved]
        cluster.kill_broker(killed)
        cluster.wait_for_leader(topic, moved, exclude=killed, timeout=90)
        event = CloudEvent.create(Ping.event_type, source="/tests/parked", data={"n": 1})
        await producer.send_and_wait(topic, event.body(), partition=moved, headers=event.headers())
        # far under the parked fetches' 300 s (measured: a few seconds for the client to
        # learn the new leader)
        await eventually(lambda: _handled(db), 120, what="the moved partition's record")
        assert member.parked.dropped > 0
        # by the same client: not rescued by the stall watch giving up on the brokers
        # (its end_offsets queued behind the parked fetches too) and making a new one
        assert member._consumer is client
    finally:
        await member.stop()
        await producer.stop()
        await dlq.close()
        if killed is not None:
            cluster.start_broker(killed)


def _knows(cluster: KafkaCluster, node: int, topic: str) -> bool:
    try:
        meta = kafka_wire.metadata_any(cluster.broker_bootstrap(node), [topic])
    except kafka_wire.KafkaWireError:
        return False
    info = meta.topics.get(topic)
    return info is not None and all(p.leader >= 0 for p in info.partitions.values())


def _owns(consumer: EventConsumer, n: int) -> bool:
    return consumer._consumer is not None and len(consumer._consumer.assignment()) == n


def _parked_fetches(consumer: EventConsumer) -> set[int]:
    """The brokers sent a fetch of PARKED_MS by the consumer's client (grows as sent)."""
    assert consumer._consumer is not None
    client = consumer._consumer._client
    nodes: set[int] = set()
    real = client.send

    async def send(node_id: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(request, FetchRequest) and request._max_wait_ms == PARKED_MS:
            nodes.add(node_id)
        return await real(node_id, request, *args, **kwargs)

    client.send = send
    return nodes


async def _handled(db: Database) -> bool:
    async with db.engine.connect() as conn:
        return bool((await conn.execute(select(func.count()).select_from(seen))).scalar())
