"""The MQTT transport as its own deployable (ADR 0038): two replicas beside the service,
devices on either, server-side RPC and shared attributes reaching them through Kafka
(device.downlinks.v1), readings from both stored once each, TLS on the second port."""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiomqtt
import pytest
from asgi_lifespan import LifespanManager
from device_ingestion.mqtt.standalone import create_transport_app
from device_ingestion.mqtt.transport import DeviceTransport
from di_helpers import Harness, make_settings, start_harness
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from sc_core.auth.testing import LocalIssuer
from sc_devinfra.pki import ThrowawayPki


@dataclass
class Replicas:
    service: Harness
    apps: list[FastAPI]
    ca: Path

    def transport(self, replica: int) -> DeviceTransport:
        transport: DeviceTransport = self.apps[replica].state.transport
        return transport

    def device(self, replica: int, token: str, name: str, *, tls: bool = False) -> aiomqtt.Client:
        transport = self.transport(replica)
        if not tls:
            return aiomqtt.Client("127.0.0.1", transport.port, username=token, identifier=name)
        assert transport.tls_port is not None
        context = ssl.create_default_context(cafile=str(self.ca))
        return aiomqtt.Client(
            "127.0.0.1",
            transport.tls_port,
            username=token,
            identifier=name,
            tls_context=context,
        )


@pytest.fixture(scope="module")
async def replicas(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Replicas]:
    """The service (no MQTT of its own) and two transport replicas; the second also
    listens over TLS."""
    settings = make_settings(module_database_url, kafka_bootstrap, kafka_idempotence, jwks_url)
    pki = ThrowawayPki(tmp_path_factory.mktemp("pki"))
    server = pki.issue("mqtt-transport", ip_addresses=["127.0.0.1"], dns_names=["localhost"])
    plain = {"mqtt_transport_port": 0, "mqtt_tls_port": 0}
    with_tls = {**plain, "mqtt_tls_cert_file": server.cert, "mqtt_tls_key_file": server.key}
    async with start_harness(settings, issuer) as service:
        apps = [
            create_transport_app(settings.model_copy(update=plain)),
            create_transport_app(settings.model_copy(update=with_tls)),
        ]
        async with (
            LifespanManager(apps[0], startup_timeout=60, shutdown_timeout=30),
            LifespanManager(apps[1], startup_timeout=60, shutdown_timeout=30),
        ):
            for app in apps:  # each reads device.downlinks.v1 from its end before a test
                await app.state.downlinks.wait_reading(60)
            yield Replicas(service, apps, pki.ca_cert)


async def wait_command(service: Harness, community: str, device: dict[str, Any], cid: str) -> Any:
    url = f"/api/v1/devices/{device['id']}/commands/{cid}"
    for _ in range(600):
        done = (await service.client.get(url, headers=service.admin(community))).json()
        if done["status"] in ("succeeded", "failed", "expired"):
            return done
        await asyncio.sleep(0.05)
    return done


@pytest.mark.parametrize("replica", [0, 1])
async def test_server_side_rpc_reaches_a_device_on_either_replica_and_its_answer_comes_back(
    replicas: Replicas, community: str, replica: int
) -> None:
    service = replicas.service
    light = await service.create_device(community, f"sl-r{replica}", "street_light")
    async with replicas.device(replica, light["access_token"], f"sl-r{replica}") as device:
        await device.subscribe("v1/devices/me/rpc/request/+", qos=1)
        sent = await service.client.post(
            f"/api/v1/devices/{light['id']}/commands",
            json={"method": "switch_light", "params": {"on": True}},
            headers=service.admin(community),
        )
        assert sent.status_code == 202, sent.text
        created = sent.json()
        message = await asyncio.wait_for(anext(aiter(device.messages)), 30)
        assert message.topic.value == f"v1/devices/me/rpc/request/{created['rpc_id']}"
        assert json.loads(message.payload) == {"method": "switch_light", "params": {"on": True}}
        await device.publish(
            f"v1/devices/me/rpc/response/{created['rpc_id']}", json.dumps({"on": True}), qos=1
        )
        done = await wait_command(service, community, light, created["id"])
    assert done["status"] == "succeeded" and done["result"] == {"on": True}


async def test_shared_attributes_set_by_staff_reach_a_device_on_the_other_replica_over_tls(
    replicas: Replicas, community: str
) -> None:
    service = replicas.service
    lamp = await service.create_device(community, "lamp-r", "street_light")
    async with replicas.device(1, lamp["access_token"], "lamp-r", tls=True) as device:
        await device.subscribe("v1/devices/me/attributes", qos=1)
        patched = await service.client.patch(
            f"/api/v1/devices/{lamp['id']}",
            json={"shared_attributes": {"dimLevel": 30}},
            headers=service.admin(community),
        )
        assert patched.status_code == 200, patched.text
        message = await asyncio.wait_for(anext(aiter(device.messages)), 30)
    assert message.topic.value == "v1/devices/me/attributes"
    assert json.loads(message.payload) == {"dimLevel": 30}


async def test_readings_from_devices_on_both_replicas_are_stored_once_each(
    replicas: Replicas, community: str
) -> None:
    service = replicas.service
    meters = [await service.create_device(community, f"wm-r{i}", "water_meter") for i in (0, 1)]
    async with (
        replicas.device(0, meters[0]["access_token"], "wm-r0") as first,
        replicas.device(1, meters[1]["access_token"], "wm-r1", tls=True) as second,
    ):
        assert replicas.transport(0).connections >= 1
        assert replicas.transport(1).connections >= 1
        # QoS 1: PUBACK only once Kafka has the reading (aiomqtt waits for it)
        await first.publish(
            "v1/devices/me/telemetry", json.dumps({"totalWaterConsumption": 10.5}), qos=1
        )
        await second.publish(
            "v1/devices/me/telemetry", json.dumps({"totalWaterConsumption": 20.5}), qos=1
        )
    for meter, value in zip(meters, (10.5, 20.5), strict=True):
        assert await service.wait_stored(1, meter["id"]) == 1
        rows = await service.sql(
            "SELECT key, num FROM telemetry WHERE device_id = :d", d=meter["id"]
        )
        assert [(r.key, r.num) for r in rows] == [("totalWaterConsumption", value)]


async def test_a_replica_is_ready_and_exports_its_connections(
    replicas: Replicas, community: str
) -> None:
    app = replicas.apps[0]
    meter = await replicas.service.create_device(community, "wm-metrics", "water_meter")
    async with (
        AsyncClient(transport=ASGITransport(app=app), base_url="http://transport") as http,
        replicas.device(0, meter["access_token"], "wm-metrics"),
    ):
        ready = (await http.get("/readyz")).json()
        metrics = (await http.get("/metrics")).text
    assert ready["checks"]["mqtt"] == "ok" and ready["checks"]["downlinks"] == "ok"
    assert "\nmqtt_connections " in metrics
    assert "mqtt_downlinks_total" in metrics
