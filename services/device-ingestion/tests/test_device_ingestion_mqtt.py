"""The MQTT device API of ThingsBoard: token as username, v1/devices/me/telemetry and
attributes, through the embedded broker and the service's own client."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiomqtt
import pytest
from di_helpers import Harness, make_settings, start_harness

from sc_core.auth.testing import LocalIssuer


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
        await asyncio.wait_for(h.app.state.mqtt.bridge.connected.wait(), 30)
        yield h


def port(harness: Harness) -> int:
    return int(harness.app.state.mqtt.broker.port)


def device_client(harness: Harness, token: str) -> aiomqtt.Client:
    return aiomqtt.Client("127.0.0.1", port(harness), username=token, identifier=token[:12])


async def test_telemetry_and_attributes_over_mqtt(harness: Harness, community: str) -> None:
    device = await harness.create_device(community, "wear-1", "wearable")
    token = device["access_token"]
    at = int((datetime.now(UTC) - timedelta(minutes=1)).timestamp() * 1000)
    async with device_client(harness, token) as client:
        await client.publish("v1/devices/me/telemetry", json.dumps({"heartRate": 72}), qos=1)
        await client.publish(
            "v1/devices/me/telemetry",
            json.dumps([{"ts": at, "values": {"heartRate": 70, "fallDetected": False}}]),
            qos=1,
        )
        # nothing valid in it: at QoS 1 that would close the session without PUBACK
        # (test_device_ingestion_mqtt_qos.py); at QoS 0 it is counted and dropped
        await client.publish(
            "v1/devices/me/telemetry", json.dumps({"heartRate": 999, "colour": 1}), qos=0
        )
        await client.publish("v1/devices/me/attributes", json.dumps({"fw": "2.1"}), qos=1)
    assert await harness.wait_stored(3, device["id"]) == 3
    rows = await harness.sql(
        "SELECT key, num FROM telemetry WHERE device_id = :d ORDER BY ts, key", d=device["id"]
    )
    assert sorted((r.key, r.num) for r in rows) == [
        ("fallDetected", None),
        ("heartRate", 70.0),
        ("heartRate", 72.0),
    ]
    for _ in range(200):
        attrs = await harness.sql("SELECT attributes FROM devices WHERE id = :d", d=device["id"])
        if attrs[0].attributes:
            break
        await asyncio.sleep(0.05)
    assert attrs[0].attributes == {"fw": "2.1"}
    metrics = (await harness.client.get("/metrics")).text
    assert 'telemetry_readings_total{outcome="reading.out_of_range",transport="mqtt"}' in metrics
    assert 'telemetry_readings_total{outcome="reading.unknown_key",transport="mqtt"}' in metrics


async def test_an_unknown_token_cannot_connect(harness: Harness) -> None:
    with pytest.raises(aiomqtt.MqttError):
        async with device_client(harness, "not-a-device-token"):
            pass


async def test_gateway_telemetry_over_mqtt(harness: Harness, community: str) -> None:
    gateway = await harness.create_device(community, "gw-m", "edge_gateway")
    bins = [await harness.create_device(community, f"bin-{i}", "waste_bin") for i in range(2)]
    batch = {"bin-0": {"fillingLevel": 0.5}, "bin-1": [{"fillingLevel": 0.7}, {"fillingLevel": 2}]}
    async with device_client(harness, gateway["access_token"]) as client:
        await client.publish("v1/gateway/telemetry", json.dumps(batch), qos=1)
    assert await harness.wait_stored(1, bins[0]["id"]) == 1
    assert await harness.wait_stored(1, bins[1]["id"]) == 1


async def test_readiness_names_the_embedded_broker(harness: Harness) -> None:
    ready = (await harness.client.get("/readyz")).json()
    assert ready["checks"]["mqtt (embedded amqtt broker, dev only)"] == "ok"


async def test_rpc_over_mqtt_reaches_only_its_device(harness: Harness, community: str) -> None:
    light = await harness.create_device(community, "sl-1", "street_light")
    other = await harness.create_device(community, "sl-2", "street_light")
    async with (
        device_client(harness, light["access_token"]) as client,
        device_client(harness, other["access_token"]) as bystander,
    ):
        await client.subscribe("v1/devices/me/rpc/request/+", qos=1)
        await bystander.subscribe("v1/devices/me/rpc/request/+", qos=1)
        sent = await harness.client.post(
            f"/api/v1/devices/{light['id']}/commands",
            json={"method": "switch_light", "params": {"on": True}},
            headers=harness.admin(community),
        )
        created = sent.json()
        assert created["status"] == "sent"
        message = await asyncio.wait_for(anext(aiter(client.messages)), 10)
        assert message.topic.value == f"v1/devices/me/rpc/request/{created['rpc_id']}"
        assert json.loads(message.payload) == {"method": "switch_light", "params": {"on": True}}
        await client.publish(
            f"v1/devices/me/rpc/response/{created['rpc_id']}", json.dumps({"on": True}), qos=1
        )
        url = f"/api/v1/devices/{light['id']}/commands/{created['id']}"
        for _ in range(200):
            done = (await harness.client.get(url, headers=harness.admin(community))).json()
            if done["status"] != "sent":
                break
            await asyncio.sleep(0.05)
        assert done["status"] == "succeeded" and done["result"] == {"on": True}
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(aiter(bystander.messages)), 0.5)


async def test_broker_http_auth_hook_names_the_device(harness: Harness, community: str) -> None:
    device = await harness.create_device(community, "cam-1", "edge_ai_camera")
    url = "/internal/mqtt/auth"
    allowed = await harness.client.post(url, json={"username": device["access_token"]})
    assert allowed.json() == {
        "result": "allow",
        "is_superuser": False,
        "client_attrs": {"device_id": device["id"]},
    }
    assert (await harness.client.post(url, json={"username": "nope"})).json() == {"result": "deny"}
    settings = harness.settings
    service = {"username": settings.mqtt_service_username, "password": "wrong"}
    assert (await harness.client.post(url, json=service)).json() == {"result": "deny"}
    assert "/internal/mqtt/auth" not in (await harness.client.get("/openapi.json")).json()["paths"]
