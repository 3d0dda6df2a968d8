"""The broker's own ceiling: raw aiokafka produce and consume rates, no service in between.

    uv run python bench/broker_ceiling.py [--messages 50000]

For a 1-broker Apache Kafka, the broker of `make run`, tests and benchmarks (idempotence
on): produce `--messages` 1 KB JSON messages to a 6-partition topic
with acks=all and batching (after an unmeasured warm-up of 10,000 on another topic), then
read them all with a consumer group. Prints a table and
merges the figures into bench/results/latest.json under "broker_ceiling".

Bounded: a fixed message count and a time limit per phase; it stops by itself. Only
127.0.0.1 is contacted. The client (Python) and the broker share this machine's cores,
so the figures are a ceiling for one Python process, not for the broker alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from sc_devinfra.apache_kafka import KAFKA_VERSION, KafkaCluster
from sc_devinfra.topics import create_topic

RESULTS = Path(__file__).parent / "results" / "latest.json"
PARTITIONS = 6
PHASE_LIMIT_S = 300.0
WARMUP = 10_000


def payload(n: int, size: int) -> bytes:
    """A JSON event of exactly `size` bytes."""
    body = {
        "id": str(uuid.UUID(int=n)),
        "type": "community.telemetry.reading.v1",
        "device_id": f"dev-{n % 500:04d}",
        "seq": n,
        "pad": "",
    }
    raw = json.dumps(body, separators=(",", ":")).encode()
    body["pad"] = "x" * max(0, size - len(raw))
    return json.dumps(body, separators=(",", ":")).encode()


async def produce(bootstrap: str, topic: str, count: int, size: int, idempotence: bool) -> float:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=idempotence,
        linger_ms=5,
        max_batch_size=256 * 1024,
        max_request_size=4 * 1024 * 1024,
    )
    # Encoded up front: the figure is the broker's and client's, not json.dumps's.
    messages = [(str(n).encode(), payload(n, size)) for n in range(count)]
    await producer.start()
    try:
        started = time.perf_counter()
        futures = []
        for key, value in messages:
            futures.append(await producer.send(topic, value, key=key))
        await producer.flush()
        results = await asyncio.gather(*futures)
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
    if len(results) != count:
        raise RuntimeError(f"{len(results)} of {count} acknowledged")
    return elapsed


async def consume(bootstrap: str, topic: str, count: int) -> tuple[float, float]:
    """(seconds from group join to the last record, seconds to join and get the first)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"bench-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        max_partition_fetch_bytes=4 * 1024 * 1024,
        fetch_max_bytes=16 * 1024 * 1024,
    )
    started = time.perf_counter()
    await consumer.start()
    try:
        seen = 0
        first: float | None = None
        while seen < count:
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            for records in batches.values():
                if records and first is None:
                    first = time.perf_counter()
                seen += len(records)
        await consumer.commit()
        done = time.perf_counter()
    finally:
        await consumer.stop()
    assert first is not None
    return done - first, first - started


async def measure(name: str, bootstrap: str, idempotence: bool, count: int, size: int) -> dict:
    topic = f"bench.ceiling.{uuid.uuid4().hex[:8]}"
    await create_topic(bootstrap, topic, partitions=PARTITIONS)
    # Warm-up (JIT of a fresh JVM, connections) on its own topic, not measured.
    await create_topic(bootstrap, f"{topic}.warmup", partitions=PARTITIONS)
    await asyncio.wait_for(
        produce(bootstrap, f"{topic}.warmup", min(WARMUP, count), size, idempotence),
        PHASE_LIMIT_S,
    )
    produce_s = await asyncio.wait_for(
        produce(bootstrap, topic, count, size, idempotence), PHASE_LIMIT_S
    )
    consume_s, join_s = await asyncio.wait_for(consume(bootstrap, topic, count), PHASE_LIMIT_S)
    return {
        "broker": name,
        "enable_idempotence": idempotence,
        "messages": count,
        "message_bytes": size,
        "partitions": PARTITIONS,
        "acks": "all",
        "produce_seconds": round(produce_s, 3),
        "produce_msgs_per_s": round(count / produce_s),
        "produce_mb_per_s": round(count * size / produce_s / 1e6, 1),
        "consume_seconds": round(consume_s, 3),
        "consume_msgs_per_s": round(count / consume_s),
        "consume_mb_per_s": round(count * size / consume_s / 1e6, 1),
        "consumer_join_seconds": round(join_s, 3),
    }


@contextlib.contextmanager
def apache_broker() -> Iterator[str]:
    started = time.monotonic()
    with KafkaCluster(brokers=1) as cluster:
        print(f"  (Apache Kafka {KAFKA_VERSION} up in {time.monotonic() - started:.1f} s)")
        yield cluster.bootstrap


def write_results(rows: list[dict]) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        data = {}
    data["broker_ceiling"] = {
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "results": rows,
    }
    RESULTS.write_text(json.dumps(data, indent=2) + "\n")


def print_table(rows: list[dict]) -> None:
    print(f"\nbroker ceiling on {os.cpu_count()} cores (client and broker share them)")
    head = f"{'broker':<22}{'idem':>6}{'msgs':>8}{'produce msg/s':>15}{'MB/s':>7}"
    head += f"{'consume msg/s':>15}{'MB/s':>7}{'join s':>8}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['broker']:<22}{'on' if r['enable_idempotence'] else 'off':>6}"
            f"{r['messages']:>8}{r['produce_msgs_per_s']:>15,}{r['produce_mb_per_s']:>7}"
            f"{r['consume_msgs_per_s']:>15,}{r['consume_mb_per_s']:>7}"
            f"{r['consumer_join_seconds']:>8}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--size", type=int, default=1024)
    args = parser.parse_args()
    if not 1 <= args.messages <= 1_000_000:
        parser.error("--messages must be between 1 and 1,000,000")

    brokers = [(f"apache kafka {KAFKA_VERSION}", apache_broker, True)]
    rows = []
    for name, start, idempotence in brokers:
        print(f"{name}: {args.messages} x {args.size} B, {PARTITIONS} partitions, acks=all ...")
        with start() as bootstrap:
            row = asyncio.run(measure(name, bootstrap, idempotence, args.messages, args.size))
        rows.append(row)
    print_table(rows)
    write_results(rows)
    print(f"\nwritten to {RESULTS} (key broker_ceiling)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
