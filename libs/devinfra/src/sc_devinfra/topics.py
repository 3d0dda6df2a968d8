"""Topic helpers for tests: create a topic and wait until every partition has a leader."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from typing import Any

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
    client_options: Mapping[str, Any] | None = None,
) -> None:
    """Create `name` (no error if it exists) and wait until all partitions have leaders.

    `client_options` (security, from `sc_core.kafka.kafka_client_options`): given, the
    leaders are awaited through the admin client instead of the plaintext wire probe.
    """
    admin = AIOKafkaAdminClient(
        **(client_options or {}),
        bootstrap_servers=bootstrap,
        request_timeout_ms=int(timeout * 1000),
    )
    await admin.start()
    try:
        topic = NewTopic(name, partitions, replication_factor, topic_configs=config or {})
        response = await admin.create_topics([topic], timeout_ms=int(timeout * 1000))
        for err in _errors(response):
            if err not in (0, TopicAlreadyExistsError.errno):
                raise RuntimeError(f"creating topic {name} failed with error code {err}")
        if (client_options or {}).get("security_protocol", "PLAINTEXT") != "PLAINTEXT":
            await _wait_through(admin, name, partitions, timeout)
            return
    finally:
        with contextlib.suppress(Exception):
            await admin.close()
    await asyncio.to_thread(wait_for_topic, bootstrap, name, partitions, timeout)


async def _wait_through(
    admin: AIOKafkaAdminClient, name: str, partitions: int, timeout: float
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        described = await admin.describe_topics([name])
        for topic in described:
            found = topic.get("partitions") or []
            if (
                topic.get("error_code") == 0
                and len(found) >= partitions
                and all(p.get("leader", -1) >= 0 for p in found)
            ):
                return
        if loop.time() > deadline:
            raise TimeoutError(f"topic {name} has no leader for every partition after {timeout} s")
        await asyncio.sleep(0.1)


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
