"""Typed publishing and subscriptions, end to end on a real broker and PostgreSQL: a use
case publishes a contract model through the outbox (type, source and topic from the model
and the service); a consumer registered by model gets the decoded model and its unit of
work (and the envelope when it asks); data that does not fit its model goes to the DLQ at
once; a batch consumer with a model gets decoded models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bushelpers import Broker, effects, new_topic, read_all, wait_until
from sc_contracts.events import AlarmClearedV1, AlarmRaisedV1, TelemetryRecordedV1
from sc_core.bus import CloudEvent, EventConsumer, OutboxRelay, dlq_topic
from sc_core.bus.batch import BatchConsumer
from sc_core.bus.cloudevents import Envelope
from sc_core.db import Database
from sc_core.db.uow import Outbound, UnitOfWork

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def _alarm(alarm_id: str, model: type[Any] = AlarmRaisedV1, **extra: object) -> Any:
    return model.model_validate(
        {
            "alarm_id": alarm_id,
            "alarm_type": "smoke",
            "severity": "critical",
            "status": "active_unack",
            "originator_type": "device",
            "originator_id": "smoke-1",
            "community_id": "c-1",
            "count": 1,
            "first_at": NOW,
            "last_at": NOW,
            **extra,
        }
    )


async def _effects(db: Database) -> list[tuple[str, str]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            select(effects.c.event_id, effects.c.value).order_by(effects.c.id)
        )
    return [(r.event_id, r.value) for r in rows]


async def test_a_model_published_through_the_outbox_reaches_its_typed_handler(
    broker: Broker, db: Database
) -> None:
    topic = await new_topic(broker, partitions=1)
    routes = {AlarmRaisedV1.topic: topic}  # this run's topic instead of alarm.events.v1

    def topic_for(name: str) -> str:
        return routes.get(name, name)

    service_db = Database(db.url, db.tables, outbound=Outbound("alarm", topic_for))
    producer = broker.producer()
    relay = OutboxRelay(service_db, producer, service="alarm", poll_interval=0.05)
    consumer = EventConsumer(
        name="typed",
        bootstrap_servers=broker.bootstrap,
        group_id=f"typed-{uuid.uuid4().hex[:6]}",
        db=db,
        dlq_producer=producer,
        max_retries=1,
        retry_backoff=0.01,
        topic_for=topic_for,
    )
    seen: list[str] = []

    @consumer.on(AlarmRaisedV1)
    async def on_raised(event: AlarmRaisedV1, uow: UnitOfWork) -> None:
        seen.append(type(event).__name__)
        await uow.session.execute(effects.insert().values(event_id=event.alarm_id, value="raised"))

    @consumer.on(AlarmClearedV1, envelope=True)
    async def on_cleared(event: AlarmClearedV1, uow: UnitOfWork, envelope: Envelope) -> None:
        assert envelope.source == "/services/alarm" and envelope.subject == event.alarm_id
        await uow.session.execute(effects.insert().values(event_id=envelope.id, value="cleared"))

    assert consumer.topics == [topic]  # subscribed through the models, as this run names them

    alarm_id = f"al-{uuid.uuid4().hex[:8]}"
    async with service_db.uow() as uow:
        raised = await uow.publish(_alarm(alarm_id), key=alarm_id)
        cleared = await uow.publish(
            _alarm(alarm_id, AlarmClearedV1, status="cleared_unack", cleared_at=NOW), key=alarm_id
        )
        await uow.commit()
    assert raised.type == "community.alarm.raised.v1" and raised.source == "/services/alarm"
    assert raised.subject == alarm_id and raised.dataschema == AlarmRaisedV1.schema_uri
    # data that does not fit AlarmRaisedV1: dead-lettered at once, the partition goes on
    bad = CloudEvent.create("community.alarm.raised.v1", "/services/alarm", {"alarm_id": 7})
    kafka = await producer.get()
    await relay.start()
    await consumer.start()
    try:
        await wait_until(lambda: _has(db, 2))
        await kafka.send_and_wait(topic, bad.body(), key=b"k", headers=bad.headers())
        after = _alarm(f"al-{uuid.uuid4().hex[:8]}")
        event = CloudEvent.of(after, source="/services/alarm", subject=after.alarm_id)
        await kafka.send_and_wait(topic, event.body(), key=b"k", headers=event.headers())
        await wait_until(lambda: _has(db, 3))
        assert await _effects(db) == [
            (alarm_id, "raised"),
            (cleared.id, "cleared"),
            (after.alarm_id, "raised"),
        ]
        assert seen == ["AlarmRaisedV1", "AlarmRaisedV1"]
        [dead] = await read_all(broker, dlq_topic(topic), expected=1)
        headers = dict(dead.headers)
        assert headers["ce_id"] == bad.id.encode()
        assert headers["x-dlq-attempts"] == b"0"  # no retry can make it fit
        assert b"not a AlarmRaisedV1" in headers["x-dlq-reason"]
    finally:
        await consumer.stop()
        await relay.stop()
        await producer.close()
        await service_db.dispose()


async def _has(db: Database, n: int) -> bool:
    return len(await _effects(db)) >= n


async def test_a_batch_consumer_with_a_model_gets_decoded_models_and_envelopes(
    broker: Broker, db: Database
) -> None:
    topic = await new_topic(broker, partitions=1)
    producer = broker.producer()
    got: list[tuple[str, str]] = []

    async def handler(
        readings: list[TelemetryRecordedV1], uow: UnitOfWork, envelopes: list[Envelope]
    ) -> None:
        for reading, envelope in zip(readings, envelopes, strict=True):
            assert isinstance(reading, TelemetryRecordedV1)
            got.append((reading.device_id, envelope.id))
            await uow.session.execute(
                effects.insert().values(event_id=envelope.id, value=reading.device_id)
            )

    consumer = BatchConsumer(
        name="readings",
        db=db,
        bootstrap_servers=broker.bootstrap,
        group_id=f"readings-{uuid.uuid4().hex[:6]}",
        dlq_producer=producer,
        handler=handler,
        model=TelemetryRecordedV1,
        envelopes=True,
        topic_for=lambda name: topic if name == TelemetryRecordedV1.topic else name,
    )
    assert consumer.topics == [topic]
    kafka = await producer.get()
    sent = []
    for n in range(5):
        reading = TelemetryRecordedV1(
            device_id=f"d-{n}",
            device_type="meter",
            community_id="c-1",
            ts=NOW,
            values={"kwh": n},
            received_at=NOW,
        )
        event = CloudEvent.of(reading, source="/services/device-ingestion", subject=f"d-{n}")
        sent.append(event.id)
        await kafka.send_and_wait(topic, event.body(), key=b"k", headers=event.headers())
    await consumer.start()
    try:
        await wait_until(lambda: _has(db, 5))
        assert got == [(f"d-{n}", sent[n]) for n in range(5)]
    finally:
        await consumer.stop()
        await producer.close()
