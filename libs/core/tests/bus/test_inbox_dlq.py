"""Idempotent inbox and dead-lettering, on a real broker and a real PostgreSQL."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from bushelpers import (
    Broker,
    Happened,
    effect_counts,
    effects,
    make_consumer,
    make_event,
    new_topic,
    read_all,
    record_effect,
    wait_until,
)
from sc_core.bus import dlq_topic
from sc_core.bus.cloudevents import Envelope
from sc_core.db import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem


async def test_same_event_delivered_twice_has_one_effect(broker: Broker, db: Database) -> None:
    topic = await new_topic(broker)
    producer = broker.producer()
    consumer = make_consumer(broker, db, topic, "dedup", producer)
    consumer.on(Happened, envelope=True)(record_effect)
    twice = make_event(1)
    other = make_event(2)
    kafka = await producer.get()
    for event in (twice, twice, other, twice):
        await kafka.send_and_wait(topic, event.body(), key=b"k", headers=event.headers())
    await consumer.start()
    try:
        await wait_until(lambda: _counts_at_least(db, 2))
        # the third copy of `twice` comes after `other` in the partition: once `other` is in,
        # every copy has been handled
        rows, distinct = await effect_counts(db)
        assert (rows, distinct) == (2, 2)
    finally:
        await consumer.stop()
        await producer.close()


async def _counts_at_least(db: Database, n: int) -> bool:
    rows, _ = await effect_counts(db)
    return rows >= n


async def test_failing_handler_goes_to_dlq_and_partition_keeps_flowing(
    broker: Broker, db: Database
) -> None:
    topic = await new_topic(broker, partitions=1)
    producer = broker.producer()
    consumer = make_consumer(broker, db, topic, "dlq", producer, max_retries=2, retry_backoff=0.01)
    attempts: dict[str, int] = {}

    @consumer.on(Happened, envelope=True)
    async def handle(data: Happened, uow: UnitOfWork, envelope: Envelope) -> None:
        attempts[envelope.id] = attempts.get(envelope.id, 0) + 1
        if data.poison:
            raise ValueError("cannot handle this one")
        if data.phone:  # a value wider than its column: the database refuses it
            await uow.session.execute(
                insert(effects).values(event_id=envelope.id, value=data.phone * 30)
            )
        await record_effect(data, uow, envelope)

    poison = make_event(1, poison=True)
    good = make_event(2)
    too_long = make_event(3, phone="13800138000")
    kafka = await producer.get()
    await kafka.send_and_wait(topic, poison.body(), key=b"k", headers=poison.headers())
    await kafka.send_and_wait(
        topic,
        b"{not json",
        key=b"k",
        headers=[
            ("ce_id", b"x"),
            ("ce_source", b"/t"),
            ("ce_type", b"community.test.happened.v1"),
            ("ce_specversion", b"1.0"),
        ],
    )
    await kafka.send_and_wait(topic, too_long.body(), key=b"k", headers=too_long.headers())
    await kafka.send_and_wait(topic, good.body(), key=b"k", headers=good.headers())
    await consumer.start()
    try:
        await wait_until(lambda: _counts_at_least(db, 1))
        assert await effect_counts(db) == (1, 1)
        assert attempts[poison.id] == 3  # first try + 2 retries
        assert attempts[good.id] == 1
        dead = await read_all(broker, dlq_topic(topic), expected=3)
        reasons = [dict(m.headers)["x-dlq-reason"].decode() for m in dead]
        assert dict(dead[0].headers)["ce_id"].decode() == poison.id
        assert "ValueError: cannot handle this one" in reasons[0]
        assert dict(dead[0].headers)["x-dlq-attempts"] == b"3"
        assert reasons[1] == "event.invalid: not a Happened: (root): json_invalid"  # not JSON
        assert dead[1].value == b"{not json"
        # a database error: a stable code and the server's short message, never the
        # statement, its parameters or the row's values
        assert dict(dead[2].headers)["x-dlq-code"] == b"db.string_data_right_truncation"
        assert reasons[2] == (
            "db.string_data_right_truncation: value too long for type character varying(255)"
        )
        assert dict(dead[0].headers)["x-dlq-code"] == b"handler.ValueError"
    finally:
        await consumer.stop()
        await producer.close()


async def test_a_refusal_is_dead_lettered_at_once_with_its_own_code(
    broker: Broker, db: Database
) -> None:
    """A 4xx Problem is the message's own fault: one attempt, then the DLQ says the
    problem's code; a 5xx Problem (a dependency away) is retried as any failure (ADR 0044)."""
    topic = await new_topic(broker, partitions=1)
    producer = broker.producer()
    consumer = make_consumer(
        broker, db, topic, "refuse", producer, max_retries=2, retry_backoff=0.01
    )
    attempts: dict[str, int] = {}

    @consumer.on(Happened, envelope=True)
    async def handle(data: Happened, uow: UnitOfWork, envelope: Envelope) -> None:
        attempts[envelope.id] = attempts.get(envelope.id, 0) + 1
        if data.n == 1:
            raise Forbidden("exchange.no_agreement", "No active exchange agreement names you")
        if data.n == 2:
            raise Problem(503, "auth.jwks_unavailable", "identity's keys cannot be fetched")
        await record_effect(data, uow, envelope)

    refusal, unavailable, good = make_event(1), make_event(2), make_event(3)
    kafka = await producer.get()
    for event in (refusal, unavailable, good):
        await kafka.send_and_wait(topic, event.body(), key=b"k", headers=event.headers())
    await consumer.start()
    try:
        dead = await read_all(broker, dlq_topic(topic), expected=2)
        headers = [dict(m.headers) for m in dead]
        assert [h["ce_id"].decode() for h in headers] == [refusal.id, unavailable.id]
        assert headers[0]["x-dlq-code"] == b"exchange.no_agreement"
        assert headers[0]["x-dlq-reason"] == (
            b"exchange.no_agreement: No active exchange agreement names you"
        )
        assert headers[0]["x-dlq-attempts"] == b"1"
        assert attempts[refusal.id] == 1
        assert headers[1]["x-dlq-code"] == b"auth.jwks_unavailable"
        assert headers[1]["x-dlq-attempts"] == b"3"
        assert attempts[unavailable.id] == 3  # first try + 2 retries
        await wait_until(lambda: _counts_at_least(db, 1))
        assert attempts[good.id] == 1
    finally:
        await consumer.stop()
        await producer.close()
