"""MQTT QoS 1 is honest (ADR 0009): the embedded broker sends PUBACK to a device only after
its readings are on Kafka; a message that cannot be taken gets no PUBACK."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiomqtt
import pytest
from aiokafka import AIOKafkaConsumer
from di_helpers import Harness, make_settings, start_harness

from sc_core.auth.testing import LocalIssuer
from sc_devinfra.apache_kafka import KafkaCluster


def device_client(harness: Harness, token: str) -> aiomqtt.Client:
    port = int(harness.app.state.mqtt.port)
    return aiomqtt.Client("127.0.0.1", port, username=token, identifier=token[:12])


def ms(delta: timedelta) -> int:
    return int((datetime.now(UTC) - delta).timestamp() * 1000)


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> AsyncIterator[Harness]:
    settings = make_settings(
        module_database_url,
        kafka_bootstrap,
        kafka_idempotence,
        jwks_url,
        mqtt_embedded=True,
        mqtt_embedded_port=0,
    )
    async with start_harness(settings, issuer) as h:
        yield h


async def test_every_acknowledged_reading_is_stored_and_invalid_ones_are_not_acked(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "wear-q1", "wearable")
    token = device["access_token"]
    sent = [ms(timedelta(minutes=10 - i)) for i in range(5)]
    async with device_client(harness, token) as client:
        for i, at in enumerate(sent):
            body = {"ts": at, "values": {"heartRate": 60 + i}}
            await client.publish("v1/devices/me/telemetry", json.dumps(body), qos=1, timeout=30)
        # partly valid: the good reading is taken and the message acknowledged
        partly = {"ts": ms(timedelta(minutes=2)), "values": {"heartRate": 90, "fallDetected": 3}}
        await client.publish("v1/devices/me/telemetry", json.dumps(partly), qos=1, timeout=30)
    # every acknowledged reading is in the time series
    assert await harness.wait_stored(6, device["id"]) == 6
    rows = await harness.sql(
        "SELECT num FROM telemetry WHERE device_id = :d ORDER BY ts", d=device["id"]
    )
    assert [r.num for r in rows] == [60.0, 61.0, 62.0, 63.0, 64.0, 90.0]

    # nothing valid in it: no PUBACK, the session is closed, nothing stored
    for bad in (b"{not json", json.dumps({"heartRate": 999, "fallDetected": 1}).encode()):
        async with device_client(harness, token) as client:
            with pytest.raises(aiomqtt.MqttError):
                await client.publish("v1/devices/me/telemetry", bad, qos=1, timeout=15)
    assert await harness.stored_rows(device["id"]) == 6
    metrics = (await harness.client.get("/metrics")).text
    assert 'telemetry_readings_total{outcome="reading.malformed",transport="mqtt"}' in metrics


async def test_attributes_over_qos1_are_committed_before_the_ack(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "wear-q2", "wearable")
    async with device_client(harness, device["access_token"]) as client:
        await client.publish("v1/devices/me/attributes", json.dumps({"fw": "3.0"}), qos=1)
    # acknowledged means committed: no waiting needed
    rows = await harness.sql("SELECT attributes FROM devices WHERE id = :d", d=device["id"])
    assert rows[0].attributes == {"fw": "3.0"}


async def _on_topic(bootstrap: str, topic: str, device_id: str) -> list[dict[str, object]]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
    )
    await consumer.start()
    try:
        found = []
        batches = await consumer.getmany(timeout_ms=5000)
        for records in batches.values():
            for record in records:
                data = json.loads(record.value)
                if data["device_id"] == device_id:
                    found.append(data["values"])
        return found
    finally:
        await consumer.stop()


async def test_no_puback_while_kafka_is_down(
    fresh_database_url: str, jwks_url: str, issuer: LocalIssuer, tmp_path: Path
) -> None:
    """Its own broker, stopped in the middle: an acknowledged reading is already on Kafka
    (storage is off here, so the ack cannot come from the database); while Kafka is down
    the device gets no PUBACK and its session is closed."""
    kafka = KafkaCluster(brokers=1, base_dir=tmp_path / "kafka")
    await asyncio.to_thread(kafka.start)
    try:
        settings = make_settings(
            fresh_database_url,
            kafka.bootstrap,
            True,
            jwks_url,
            mqtt_embedded=True,
            mqtt_embedded_port=0,
            storage_enabled=False,
            telemetry_ack_timeout_s=3.0,
        )
        async with start_harness(settings, issuer) as harness:
            community = f"c-{uuid.uuid4().hex[:8]}"
            device = await harness.create_device(community, "wear-k", "wearable")
            token = device["access_token"]
            async with device_client(harness, token) as client:
                body = {"heartRate": 77}
                await client.publish("v1/devices/me/telemetry", json.dumps(body), qos=1)
            # acknowledged -> on the telemetry stream already
            found = await _on_topic(
                kafka.bootstrap, settings.topic("telemetry.readings.v1"), device["id"]
            )
            assert found == [{"heartRate": 77}]

            await asyncio.to_thread(kafka.stop)
            async with device_client(harness, token) as client:
                with pytest.raises(aiomqtt.MqttError):
                    await client.publish(
                        "v1/devices/me/telemetry", json.dumps({"heartRate": 78}), qos=1, timeout=30
                    )

            # the broker is back (same port, its log kept): the device sends again, is acked
            await asyncio.to_thread(kafka.start)
            for _ in range(20):
                try:
                    async with device_client(harness, token) as client:
                        body = {"heartRate": 78}
                        await client.publish(
                            "v1/devices/me/telemetry", json.dumps(body), qos=1, timeout=30
                        )
                    break
                except aiomqtt.MqttError:
                    await asyncio.sleep(1)
            found = await _on_topic(
                kafka.bootstrap, settings.topic("telemetry.readings.v1"), device["id"]
            )
            assert {"heartRate": 78} in found
    finally:
        await asyncio.to_thread(kafka.close)


async def test_an_external_broker_gets_acks_only_after_ingestion(
    fresh_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> None:
    """MQTT_URL set: the service is a client of a broker it does not run (here an amqtt
    broker with mountpoints standing in for EMQX). Its persistent session acknowledges each
    message after ingesting it (manual ack), and the readings are stored."""
    from device_ingestion.mqtt.broker import MountingBroker

    from sc_devinfra import free_port

    port = free_port()
    settings = make_settings(
        fresh_database_url,
        kafka_bootstrap,
        kafka_idempotence,
        jwks_url,
        mqtt_url=f"mqtt://127.0.0.1:{port}",
        mqtt_service_password="svc-secret",
        mqtt_service_client_id=f"di-test-{uuid.uuid4().hex[:6]}",
    )
    async with start_harness(settings, issuer) as harness:
        directory = harness.usecases.directory

        async def device_for_token(token: str, directory: Any = directory) -> str | None:
            ref = await directory.by_token(token)
            return str(ref.id) if ref is not None else None

        broker = MountingBroker(
            "127.0.0.1",
            port,
            prefix="devices",
            device_for_token=device_for_token,
            service_username=settings.mqtt_service_username,
            service_password="svc-secret",
        )
        await broker.start()
        try:
            bridge = harness.app.state.mqtt.bridge
            await asyncio.wait_for(bridge.connected.wait(), 60)
            community = f"c-{uuid.uuid4().hex[:8]}"
            device = await harness.create_device(community, "wear-x", "wearable")
            client = aiomqtt.Client(
                "127.0.0.1", port, username=device["access_token"], identifier="wear-x"
            )
            async with client:
                for i in range(5):
                    body = {"ts": ms(timedelta(minutes=5 - i)), "values": {"heartRate": 70 + i}}
                    await client.publish("v1/devices/me/telemetry", json.dumps(body), qos=1)
            assert await harness.wait_stored(5, device["id"]) == 5
        finally:
            await harness.app.state.mqtt.stop()
            await broker.shutdown()
