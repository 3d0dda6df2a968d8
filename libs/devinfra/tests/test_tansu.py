from __future__ import annotations

import asyncio
import os
import signal
import socket

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from devinfra_helpers import round_trip

from sc_devinfra import kafka_wire
from sc_devinfra.tansu import EmbeddedKafka
from sc_devinfra.topics import create_topic


@pytest.fixture
def tansu():
    with EmbeddedKafka() as broker:
        yield broker


async def test_round_trip(tansu: EmbeddedKafka, topic_name: str) -> None:
    await create_topic(tansu.bootstrap, topic_name, partitions=3)
    received = await asyncio.wait_for(
        round_trip(tansu.bootstrap, topic_name, idempotence=False), 60
    )
    assert sorted(m["n"] for m in received) == list(range(20))


async def test_idempotent_producer_is_refused(tansu: EmbeddedKafka, topic_name: str) -> None:
    assert EmbeddedKafka.enable_idempotence is False
    assert kafka_wire.grants_idempotence(tansu.bootstrap) is False
    await create_topic(tansu.bootstrap, topic_name)
    producer = AIOKafkaProducer(bootstrap_servers=tansu.bootstrap, enable_idempotence=True)
    try:
        with pytest.raises(KafkaError):  # UnknownError from InitProducerId, at start()
            await producer.start()
            await asyncio.wait_for(producer.send_and_wait(topic_name, b"x"), 30)
    finally:
        await producer.stop()


async def test_restart_on_same_port_loses_topics(tansu: EmbeddedKafka, topic_name: str) -> None:
    await create_topic(tansu.bootstrap, topic_name)
    assert topic_name in kafka_wire.metadata_any(tansu.bootstrap).topics
    port, old_pid = tansu.port, tansu.pid
    # A client still connected while the broker goes away leaves the broker's side of
    # the connection in TIME_WAIT on the port; the restart must not trip over it.
    client = socket.create_connection(("127.0.0.1", port))

    tansu.restart()
    client.close()

    assert tansu.port == port
    assert tansu.pid != old_pid
    assert kafka_wire.answers("127.0.0.1", port)
    assert topic_name not in kafka_wire.metadata_any(tansu.bootstrap).topics
    await create_topic(tansu.bootstrap, topic_name)
    received = await asyncio.wait_for(
        round_trip(tansu.bootstrap, topic_name, idempotence=False, count=5), 60
    )
    assert len(received) == 5


def test_stop_leaves_no_process() -> None:
    broker = EmbeddedKafka().start()
    pid = broker.pid
    assert pid is not None
    log_dir = broker.log_path.parent
    assert log_dir.is_dir()
    broker.stop()
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)
    assert not kafka_wire.answers("127.0.0.1", broker.port)
    assert not log_dir.exists()  # its own temp log dir goes with it


def test_given_port_is_used() -> None:
    from sc_devinfra._proc import free_port

    port = free_port()
    with EmbeddedKafka(port=port) as broker:
        assert broker.bootstrap == f"127.0.0.1:{port}"
        # A second broker on the same fixed port cannot start.
        with pytest.raises(RuntimeError, match="in use"):
            EmbeddedKafka(port=port, startup_timeout=5).start()


def test_process_group_is_killed_even_if_term_is_ignored() -> None:
    broker = EmbeddedKafka().start()
    pid = broker.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # a stopped process ignores SIGTERM until SIGKILL
    broker.close()
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)
