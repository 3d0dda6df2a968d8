"""Helpers shared by the sc-devinfra tests."""

from __future__ import annotations

import json
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def round_trip(
    bootstrap: str, topic: str, *, idempotence: bool, count: int = 20
) -> list[dict]:
    """Produce `count` keyed JSON messages with acks=all, read them back with a group."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=idempotence,
        linger_ms=5,
    )
    await producer.start()
    try:
        for i in range(count):
            await producer.send(
                topic,
                json.dumps({"n": i}).encode(),
                key=f"k{i % 3}".encode(),
                headers=[("ce_type", b"test.sent.v1")],
            )
        await producer.flush()
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"g-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    received: list[dict] = []
    try:
        while len(received) < count:
            batches = await consumer.getmany(timeout_ms=1000)
            for records in batches.values():
                for record in records:
                    assert dict(record.headers)["ce_type"] == b"test.sent.v1"
                    received.append(json.loads(record.value))
            if not batches and len(received) < count:
                continue
        await consumer.commit()
    finally:
        await consumer.stop()
    return received
