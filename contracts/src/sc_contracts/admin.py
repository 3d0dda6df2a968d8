"""Create every catalogue topic and its dead-letter topic on a Kafka-protocol broker."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import for_code

from sc_contracts.catalogue import Catalogue, load_catalogue

TOPIC_ALREADY_EXISTS = 36


@dataclass(frozen=True)
class TopicPlan:
    name: str
    partitions: int
    configs: dict[str, str]


@dataclass
class CreateTopicsResult:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def plan_topics(catalogue: Catalogue, partitions_override: int | None = None) -> list[TopicPlan]:
    """Every topic and dead-letter topic with its partitions and topic configs."""
    plans = []
    for topic in catalogue.topics:
        plans.append(TopicPlan(topic.name, partitions_override or topic.partitions, topic.configs))
        plans.append(
            TopicPlan(
                topic.dlq.name, partitions_override or topic.dlq.partitions, topic.dlq.configs
            )
        )
    return plans


async def create_topics(
    bootstrap: str,
    replication_factor: int = 1,
    partitions_override: int | None = None,
    catalogue: Catalogue | None = None,
    request_timeout_ms: int = 30_000,
    client_options: Mapping[str, Any] | None = None,
) -> CreateTopicsResult:
    """Create what is missing, with ``retention.ms`` and ``cleanup.policy`` as topic configs.

    Topics that already exist are left as they are (their partitions and configs are not
    changed); a topic that appears between listing and creating counts as existing. Any
    other broker error is raised, naming the topic. ``client_options``: the connection's
    security, from ``sc_core.kafka.kafka_client_options``.
    """
    plans = plan_topics(catalogue or load_catalogue(), partitions_override)
    result = CreateTopicsResult()
    admin = AIOKafkaAdminClient(
        **(client_options or {}),
        bootstrap_servers=bootstrap,
        request_timeout_ms=request_timeout_ms,
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [p for p in plans if p.name not in existing]
        result.existing = [p.name for p in plans if p.name in existing]
        if not missing:
            return result
        errors = await _create(admin, missing, replication_factor)
        for plan in missing:
            code, message = errors.get(plan.name, (0, None))
            if code == 0:
                result.created.append(plan.name)
            elif code == TOPIC_ALREADY_EXISTS:
                result.existing.append(plan.name)
            else:
                raise for_code(code)(f"creating {plan.name}: {message or 'failed'}")
    finally:
        await admin.close()
    return result


async def _create(
    admin: AIOKafkaAdminClient, plans: Iterable[TopicPlan], replication_factor: int
) -> dict[str, tuple[int, str | None]]:
    new_topics = [
        NewTopic(
            p.name,
            num_partitions=p.partitions,
            replication_factor=replication_factor,
            topic_configs=dict(p.configs),
        )
        for p in plans
    ]
    response = await admin.create_topics(new_topics)
    errors: dict[str, tuple[int, str | None]] = {}
    for entry in response.topic_errors:
        name, code = entry[0], entry[1]
        message = entry[2] if len(entry) > 2 else None
        errors[name] = (code, message)
    return errors
