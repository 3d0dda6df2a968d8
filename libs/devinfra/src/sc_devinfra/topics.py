"""Topic helpers for tests: create a topic and wait until every partition has a leader."""

from __future__ import annotations

import asyncio
import contextlib
import time

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from sc_devinfra import kafka_wire


async def create_topic(
    bootstrap: str,
    name: str,
    partitions: int = 1,
    replication_factor: int = 1,
    *,
    config: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> None:
    """Create `name` (no error if it exists) and wait until all partitions have leaders."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    await admin.start()
    try:
        topic = NewTopic(name, partitions, replication_factor, topic_configs=config or {})
        response = await admin.create_topics([topic], timeout_ms=int(timeout * 1000))
        for err in _errors(response):
            if err not in (0, TopicAlreadyExistsError.errno):
                raise RuntimeError(f"creating topic {name} failed with error code {err}")
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    await asyncio.to_thread(wait_for_topic, bootstrap, name, partitions, timeout)


def _errors(response: object) -> list[int]:
    topic_errors = getattr(response, "topic_errors", []) or []
    return [int(entry[1]) for entry in topic_errors]


def wait_for_topic(bootstrap: str, name: str, partitions: int = 1, timeout: float = 30.0) -> None:
    """Block until `name` has `partitions` partitions, each with a leader."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            meta = kafka_wire.metadata_any(bootstrap, [name])
            topic = meta.topics.get(name)
            if (
                topic is not None
                and topic.error_code == 0
                and len(topic.partitions) >= partitions
                and all(p.leader >= 0 for p in topic.partitions.values())
            ):
                return
        except kafka_wire.KafkaWireError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {name} has no leader for every partition after {timeout} s")
        time.sleep(0.1)
