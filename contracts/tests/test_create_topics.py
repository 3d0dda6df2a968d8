"""create-topics against a real Kafka-protocol broker (the ``kafka_bootstrap`` fixture)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaError

from sc_contracts.admin import create_topics, plan_topics
from sc_contracts.catalogue import Catalogue, default_catalogue_path, parse_catalogue
from sc_contracts.cli import main

DAY_MS = 86_400_000


def _renamed_document() -> dict[str, Any]:
    """The real catalogue with every topic renamed, so tests never collide on a broker."""
    document = yaml.safe_load(default_catalogue_path().read_text(encoding="utf-8"))
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    for topic in document["topics"]:
        topic["name"] = prefix + topic["name"]
    return document


def test_plan_covers_every_topic_and_dead_letter_topic() -> None:
    catalogue = parse_catalogue(_renamed_document())
    plans = plan_topics(catalogue)
    assert [p.name for p in plans] == catalogue.all_topic_names()
    audit = next(p for p in plans if p.name.endswith("audit.records.v1"))
    assert audit.configs == {"retention.ms": str(30 * DAY_MS), "cleanup.policy": "delete"}
    audit_dlq = next(p for p in plans if p.name.endswith("audit.records.v1.dlq"))
    assert audit_dlq.configs["retention.ms"] == str(90 * DAY_MS)
    assert {p.partitions for p in plan_topics(catalogue, partitions_override=2)} == {2}


async def _describe(bootstrap: str, names: list[str]) -> tuple[dict[str, int], dict[str, Any]]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        # metadata can lag creation, by seconds on a busy machine: a generous bound
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            described = {t["topic"]: t for t in await admin.describe_topics(names)}
            partitions = {n: len(described[n]["partitions"]) for n in names if n in described}
            if len(partitions) == len(names) and all(partitions.values()):
                break
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.1)
        responses = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, n) for n in names]
        )
        configs: dict[str, Any] = {}
        for response in responses:
            for resource in response.resources:
                name, entries = resource[3], resource[4]
                configs[name] = {entry[0]: entry[1] for entry in entries}
        return partitions, configs
    finally:
        await admin.close()


async def test_create_topics_creates_all_with_configs_and_is_idempotent(
    kafka_bootstrap: str,
) -> None:
    catalogue: Catalogue = parse_catalogue(_renamed_document())
    names = catalogue.all_topic_names()

    first = await create_topics(kafka_bootstrap, catalogue=catalogue, partitions_override=None)
    assert sorted(first.created) == sorted(names)
    assert first.existing == []

    partitions, configs = await _describe(kafka_bootstrap, names)
    for topic in catalogue.topics:
        assert partitions[topic.name] == topic.partitions
        assert partitions[topic.dlq.name] == topic.dlq.partitions
    for topic in catalogue.topics:
        assert configs[topic.name]["retention.ms"] == str(topic.retention_ms)
        assert configs[topic.name]["cleanup.policy"] == topic.cleanup_policy
        assert configs[topic.dlq.name]["retention.ms"] == str(topic.dlq.retention_ms)
    audit = next(t for t in catalogue.topics if t.name.endswith("audit.records.v1"))
    assert configs[audit.name]["retention.ms"] == str(30 * DAY_MS)
    assert configs[audit.dlq.name]["retention.ms"] == str(90 * DAY_MS)

    again = await create_topics(kafka_bootstrap, catalogue=catalogue)
    assert again.created == []
    assert sorted(again.existing) == sorted(names)


def test_cli_create_topics_twice(
    kafka_bootstrap: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "contracts"
    root.mkdir()
    document = _renamed_document()
    (root / "topics.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    args = ["--root", str(root), "create-topics", "--bootstrap", kafka_bootstrap]
    args += ["--replication-factor", "1", "--partitions-override", "2"]

    assert main(args) == 0
    out = capsys.readouterr().out
    created = [line for line in out.splitlines() if line.startswith("created ")]
    assert len(created) == 2 * len(document["topics"])
    assert f"created {document['topics'][0]['name']}.dlq" in out

    assert main(args) == 0
    out = capsys.readouterr().out
    assert not [line for line in out.splitlines() if line.startswith("created ")]
    assert out.count("exists  ") == 2 * len(document["topics"])


@pytest.mark.apache_kafka
@pytest.mark.slow
async def test_create_topics_on_apache_kafka(apache_kafka: str) -> None:
    """The same against a real Apache Kafka broker, which also enforces replication."""
    catalogue = parse_catalogue(_renamed_document())
    names = catalogue.all_topic_names()
    first = await create_topics(apache_kafka, catalogue=catalogue)
    assert sorted(first.created) == sorted(names)
    partitions, configs = await _describe(apache_kafka, names)
    for topic in catalogue.topics:
        assert partitions[topic.name] == topic.partitions
        assert configs[topic.name]["retention.ms"] == str(topic.retention_ms)
        assert configs[topic.dlq.name]["retention.ms"] == str(topic.dlq.retention_ms)
    again = await create_topics(apache_kafka, catalogue=catalogue)
    assert again.created == [] and sorted(again.existing) == sorted(names)

    other = parse_catalogue(_renamed_document())
    with pytest.raises(KafkaError, match=r"creating t[0-9a-f]{8}-audit\.records\.v1"):
        await create_topics(apache_kafka, catalogue=other, replication_factor=3)


@pytest.mark.parametrize("option", ["--partitions-override", "--replication-factor"])
def test_cli_refuses_non_positive_counts(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["create-topics", "--bootstrap", "127.0.0.1:9", option, "0"])
    assert caught.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
