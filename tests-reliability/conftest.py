"""Reliability suite: the platform's service processes on a real 3-broker Apache Kafka
cluster (replication factor 3, min.insync.replicas 2, idempotent acks=all producers) and
PostgreSQL, started once for the whole suite; each scenario injects one fault."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from reliability_kit import Platform
from sc_contracts.admin import create_topics
from sc_devinfra.apache_kafka import KafkaCluster


@pytest.fixture(scope="session")
def cluster() -> Iterator[KafkaCluster]:
    with KafkaCluster(brokers=3, base_dir=tempfile.mkdtemp(prefix="sc-rel-kafka-")) as kafka:
        kafka.start()
        asyncio.run(create_topics(kafka.bootstrap, replication_factor=3))
        yield kafka


@pytest.fixture(scope="session")
def platform(cluster: KafkaCluster, postgres_url: str) -> Iterator[Platform]:
    state = Path(tempfile.mkdtemp(prefix="sc-rel-"))
    running = Platform(state, cluster.bootstrap, postgres_url)
    try:
        only = os.environ.get("SC_RELIABILITY_ONLY")  # e.g. "identity,audit" while developing
        running.start(set(only.split(",")) | {"identity"} if only else None)
        yield running
    finally:
        running.stop()
        print(f"\nservice logs of the reliability suite: {state}")


@pytest.fixture
def healthy_cluster(cluster: KafkaCluster) -> KafkaCluster:
    """Every broker up before a scenario starts (an earlier one may have stopped some)."""
    cluster.start()
    return cluster
