"""Rewind a consumer group to a point in time: what a database restore needs.

A service's consumers commit their Kafka offsets after their database commit. Restoring
the database from a backup takes its effects (and its inbox) back to the backup's time,
but the group's offsets stay where they were: the events consumed after the backup would
never come again, and their effects would be lost. Rewinding each of the service's groups
to the backup's time (minus a margin) makes Kafka deliver them again; the inbox restored
with the database recognises the ones it had already handled before the backup, so each
event still has one effect (deploy/OPERATIONS.md section 7).

    python -m sc_core.bus.rewind --group alarm.readings --topic telemetry.readings.v1 \\
        --to 2026-12-03T02:00:00+08:00 [--bootstrap kafka:9092] [--dry-run]

Stop the service first: Kafka refuses to move the offsets of a group with live members.
Security settings come from the same KAFKA_* variables as the services'.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from sc_core.kafka import kafka_client_options
from sc_core.settings import KafkaSettings


async def offsets_at(
    bootstrap: str,
    topics: Sequence[str],
    when: datetime,
    *,
    client_options: Mapping[str, Any] | None = None,
) -> dict[TopicPartition, int]:
    """Per partition of ``topics``: the offset of the first record written at or after
    ``when`` (the end of the partition when none is that late)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, **dict(client_options or {})
    )
    await consumer.start()
    try:
        partitions = await _partitions(consumer, topics)
        stamp = int(when.timestamp() * 1000)
        found = await consumer.offsets_for_times(dict.fromkeys(partitions, stamp))
        ends = await consumer.end_offsets(partitions)
        return {
            tp: (found[tp].offset if found.get(tp) is not None else ends[tp]) for tp in partitions
        }
    finally:
        await consumer.stop()


async def rewind_group(
    bootstrap: str,
    group: str,
    topics: Sequence[str],
    when: datetime,
    *,
    client_options: Mapping[str, Any] | None = None,
    dry_run: bool = False,
) -> dict[TopicPartition, int]:
    """Commit, for ``group``, the offsets of ``offsets_at(when)``; returns them."""
    offsets = await offsets_at(bootstrap, topics, when, client_options=client_options)
    if dry_run:
        return offsets
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        **dict(client_options or {}),
    )
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in offsets.items()})
    finally:
        await consumer.stop()
    return offsets


async def _partitions(consumer: AIOKafkaConsumer, topics: Sequence[str]) -> list[TopicPartition]:
    # the cluster's metadata (consumer.topics() fetches it but keeps only the names)
    cluster = await consumer._client.fetch_all_metadata()
    missing = sorted(set(topics) - cluster.topics())
    if missing:
        raise SystemExit(f"rewind: no such topic: {', '.join(missing)}")
    return [
        TopicPartition(topic, p)
        for topic in topics
        for p in sorted(cluster.partitions_for_topic(topic) or ())
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rewind a consumer group to a time")
    parser.add_argument("--group", required=True, help="the consumer group, e.g. alarm.readings")
    parser.add_argument("--topic", action="append", required=True, help="a topic it reads")
    parser.add_argument(
        "--to", required=True, type=datetime.fromisoformat, help="ISO time with its offset"
    )
    parser.add_argument("--bootstrap", help="default: KAFKA_BOOTSTRAP_SERVERS")
    parser.add_argument("--dry-run", action="store_true", help="print, commit nothing")
    args = parser.parse_args(argv)
    if args.to.tzinfo is None:
        parser.error("--to needs a UTC offset, e.g. 2026-12-03T02:00:00+08:00")
    settings = KafkaSettings()
    offsets = asyncio.run(
        rewind_group(
            args.bootstrap or settings.kafka_bootstrap_servers,
            args.group,
            args.topic,
            args.to,
            client_options=kafka_client_options(settings),
            dry_run=args.dry_run,
        )
    )
    verb = "would commit" if args.dry_run else "committed"
    for tp, offset in sorted(offsets.items()):
        print(f"{args.group} {verb} {tp.topic}[{tp.partition}] = {offset}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
