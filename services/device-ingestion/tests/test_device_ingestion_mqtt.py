"""The MQTT device API of ThingsBoard: token as username, v1/devices/me/telemetry and
attributes, RPC, over MQTT 3.1, 3.1.1 and 5, through the service's device transport."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiomqtt
import paho.mqtt.client as paho
import pytest
from di_helpers import Harness, make_settings, start_harness

from sc_core.auth import Grant
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
        await h.app.state.mqtt.ready()
        yield h


def port(harness: Harness) -> int:
    return int(harness.app.state.mqtt.port)


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
            "v1/devices/me/telemetry", json.dumps({"heartRate": 999, "fallDetected": 1}), qos=0
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
    assert 'telemetry_readings_total{outcome="reading.wrong_type",transport="mqtt"}' in metrics


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


async def test_readiness_names_the_device_transport(harness: Harness) -> None:
    ready = (await harness.client.get("/readyz")).json()
    assert ready["checks"]["mqtt"] == "ok"


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


# ---- MQTT 3.1, 3.1.1 and 5 (ADR 0029) ----------------------------------------------------

VERSIONS = {
    "3.1": aiomqtt.ProtocolVersion.V31,
    "3.1.1": aiomqtt.ProtocolVersion.V311,
    "5": aiomqtt.ProtocolVersion.V5,
}


@pytest.mark.parametrize("version", list(VERSIONS))
async def test_every_mqtt_version_connects_and_its_readings_arrive(
    harness: Harness, community: str, version: str
) -> None:
    device = await harness.create_device(community, f"wear-v{version}", "wearable")
    at = int((datetime.now(UTC) - timedelta(minutes=2)).timestamp() * 1000)
    client = aiomqtt.Client(
        "127.0.0.1",
        port(harness),
        username=device["access_token"],
        identifier=f"wear-{version}",
        protocol=VERSIONS[version],
    )
    async with client:
        await client.publish("v1/devices/me/telemetry", json.dumps({"heartRate": 71}), qos=1)
        body = {"ts": at, "values": {"heartRate": 69, "fallDetected": True}}
        await client.publish("v1/devices/me/telemetry", json.dumps(body), qos=1)
        await client.publish("v1/devices/me/attributes", json.dumps({"fw": version}), qos=1)
    assert await harness.wait_stored(3, device["id"]) == 3
    rows = await harness.sql(
        "SELECT key, num, bool FROM telemetry WHERE device_id = :d ORDER BY ts, key",
        d=device["id"],
    )
    assert [(r.key, r.num, r.bool) for r in rows] == [
        ("fallDetected", None, True),
        ("heartRate", 69.0, None),
        ("heartRate", 71.0, None),
    ]
    # the PUBACK of attributes comes after the commit
    attrs = await harness.sql("SELECT attributes FROM devices WHERE id = :d", d=device["id"])
    assert attrs[0].attributes == {"fw": version}


def _paho_v5(token: str, harness: Harness) -> Any:
    """A paho-mqtt 2.x client speaking MQTT 5, as ThingsBoard's current device SDKs do."""
    client = paho.Client(
        paho.CallbackAPIVersion.VERSION2, client_id=f"paho-{token[:6]}", protocol=paho.MQTTv5
    )
    client.username_pw_set(token)
    return client


async def test_a_paho_mqtt5_device_is_answered_in_mqtt5(harness: Harness, community: str) -> None:
    device = await harness.create_device(community, "wear-paho5", "wearable")
    connacks: list[Any] = []
    pubacks: dict[int, Any] = {}
    client = _paho_v5(device["access_token"], harness)
    client.on_connect = lambda c, u, flags, reason, props: connacks.append(reason)
    client.on_publish = lambda c, u, mid, reason, props: pubacks.__setitem__(mid, reason)

    def session() -> None:
        client.connect("127.0.0.1", port(harness), keepalive=30)
        client.loop_start()
        try:
            good = client.publish("v1/devices/me/telemetry", json.dumps({"heartRate": 66}), qos=1)
            good.wait_for_publish(30)
            other = client.publish("v1/devices/me/unknown", b"{}", qos=1)
            other.wait_for_publish(30)
            pubacks["good"] = pubacks.get(good.mid)
            pubacks["other"] = pubacks.get(other.mid)
        finally:
            client.disconnect()
            client.loop_stop()

    await asyncio.to_thread(session)
    assert [str(r) for r in connacks] == ["Success"]
    assert not pubacks["good"].is_failure
    # a topic the device API does not have: acknowledged, named, no effect
    assert pubacks["other"].value == 144  # Topic name invalid
    assert await harness.wait_stored(1, device["id"]) == 1

    refused: list[Any] = []
    stranger = _paho_v5("not-a-device-token", harness)
    stranger.on_connect = lambda c, u, flags, reason, props: refused.append(reason)

    def refused_session() -> None:
        stranger.connect("127.0.0.1", port(harness), keepalive=30)
        stranger.loop_start()
        try:
            for _ in range(300):
                if refused:
                    break
                time.sleep(0.1)
        finally:
            stranger.disconnect()
            stranger.loop_stop()

    await asyncio.to_thread(refused_session)
    assert [r.value for r in refused] == [135]  # Not authorized


async def test_rpc_reaches_an_mqtt5_device(harness: Harness, community: str) -> None:
    light = await harness.create_device(community, "sl-5", "street_light")
    client = aiomqtt.Client(
        "127.0.0.1",
        port(harness),
        username=light["access_token"],
        identifier="sl-5",
        protocol=aiomqtt.ProtocolVersion.V5,
    )
    async with client:
        await client.subscribe("v1/devices/me/rpc/request/+", qos=1)
        sent = await harness.client.post(
            f"/api/v1/devices/{light['id']}/commands",
            json={"method": "switch_light", "params": {"on": False}},
            headers=harness.admin(community),
        )
        created = sent.json()
        assert created["status"] == "sent"
        message = await asyncio.wait_for(anext(aiter(client.messages)), 30)
        assert message.topic.value == f"v1/devices/me/rpc/request/{created['rpc_id']}"
        assert json.loads(message.payload) == {"method": "switch_light", "params": {"on": False}}
        await client.publish(
            f"v1/devices/me/rpc/response/{created['rpc_id']}", json.dumps({"on": False}), qos=1
        )
    url = f"/api/v1/devices/{light['id']}/commands/{created['id']}"
    done = (await harness.client.get(url, headers=harness.admin(community))).json()
    assert done["status"] == "succeeded" and done["result"] == {"on": False}


async def test_qos0_readings_of_a_device_that_disconnects_at_once_arrive(
    harness: Harness, community: str
) -> None:
    """Battery devices publish at QoS 0 and hang up: nothing of it is lost."""
    device = await harness.create_device(community, "wear-battery", "wearable")
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, protocol=paho.MQTTv311)
    client.username_pw_set(device["access_token"])

    def session() -> None:
        client.connect("127.0.0.1", port(harness), keepalive=30)
        client.loop_start()
        try:
            sent = [
                client.publish("v1/devices/me/telemetry", json.dumps({"heartRate": 80 + i}))
                for i in range(3)
            ]
            for info in sent:
                info.wait_for_publish(30)
        finally:
            client.disconnect()
            client.loop_stop()

    await asyncio.to_thread(session)
    assert await harness.wait_stored(3, device["id"]) == 3


async def test_an_unknown_protocol_level_is_refused_with_connack_1(harness: Harness) -> None:
    """A CONNECT naming protocol level 6 gets CONNACK 'unacceptable protocol version'."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port(harness))
    try:
        body = b"\x00\x04MQTT\x06\x02\x00\x3c\x00\x02d6"
        writer.write(bytes([0x10, len(body)]) + body)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(4), 30)
    finally:
        writer.close()
    assert answer == b"\x20\x02\x00\x01"


# ---- attributes: requests and shared-attribute updates ----------------------------------


def v5_client(harness: Harness, token: str, name: str) -> aiomqtt.Client:
    return aiomqtt.Client(
        "127.0.0.1",
        port(harness),
        username=token,
        identifier=name,
        protocol=aiomqtt.ProtocolVersion.V5,
    )


async def share(harness: Harness, community: str, device: dict[str, Any], **values: Any) -> None:
    patched = await harness.client.patch(
        f"/api/v1/devices/{device['id']}",
        json={"shared_attributes": values},
        headers=harness.admin(community),
    )
    assert patched.status_code == 200, patched.text


@pytest.mark.parametrize("version", ["3.1.1", "5"])
async def test_a_device_asks_for_its_attributes_over_mqtt(
    harness: Harness, community: str, version: str
) -> None:
    device = await harness.create_device(community, f"lamp-a{version}", "street_light")
    await share(harness, community, device, dimLevel=40, schedule="night")
    client = aiomqtt.Client(
        "127.0.0.1",
        port(harness),
        username=device["access_token"],
        identifier=f"lamp-a{version}",
        protocol=VERSIONS[version],
    )
    async with client:
        await client.publish("v1/devices/me/attributes", json.dumps({"fw": "1.0"}), qos=1)
        await client.subscribe("v1/devices/me/attributes/response/+", qos=1)
        asks = {
            7: {"clientKeys": "fw", "sharedKeys": "dimLevel"},
            8: {"sharedKeys": "schedule,missing"},
            9: {},
        }
        for request_id, body in asks.items():
            await client.publish(
                f"v1/devices/me/attributes/request/{request_id}", json.dumps(body), qos=1
            )
        answers = {}
        messages = aiter(client.messages)
        while len(answers) < 3:
            message = await asyncio.wait_for(anext(messages), 30)
            answers[message.topic.value] = json.loads(message.payload)
    response = "v1/devices/me/attributes/response/"
    assert answers == {
        f"{response}7": {"client": {"fw": "1.0"}, "shared": {"dimLevel": 40}},
        f"{response}8": {"client": {}, "shared": {"schedule": "night"}},
        f"{response}9": {"client": {"fw": "1.0"}, "shared": {"dimLevel": 40, "schedule": "night"}},
    }
    # HTTP asks the same way: client keys alone give no shared attributes
    url = f"/api/v1/{device['access_token']}/attributes"
    read = await harness.client.get(url, params={"clientKeys": "fw"})
    assert read.json() == {"client": {"fw": "1.0"}, "shared": {}}


async def test_shared_attribute_changes_are_pushed_over_mqtt(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "lamp-push", "street_light")
    await share(harness, community, device, dimLevel=40, schedule="night")
    async with v5_client(harness, device["access_token"], "lamp-push") as client:
        await client.subscribe("v1/devices/me/attributes", qos=1)
        await share(harness, community, device, dimLevel=70)
        message = await asyncio.wait_for(anext(aiter(client.messages)), 30)
    assert message.topic.value == "v1/devices/me/attributes"
    assert json.loads(message.payload) == {"dimLevel": 70, "deleted": ["schedule"]}


async def test_shared_attribute_changes_answer_the_http_long_poll(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "lamp-poll", "street_light")
    url = f"/api/v1/{device['access_token']}/attributes/updates"
    none_came = await harness.client.get(url, params={"timeout": 100})
    assert none_came.status_code == 408
    poll = asyncio.create_task(harness.client.get(url, params={"timeout": 60_000}))
    updates = harness.usecases.attribute_updates
    device_id = uuid.UUID(device["id"])
    for _ in range(600):
        if updates.waiting(device_id):
            break
        await asyncio.sleep(0.05)
    await share(harness, community, device, dimLevel=55)
    answer = await asyncio.wait_for(poll, 60)
    assert answer.status_code == 200
    assert answer.json() == {"dimLevel": 55}


# ---- client-side RPC --------------------------------------------------------------------


@pytest.mark.parametrize("version", ["3.1.1", "5"])
async def test_a_device_calls_the_platform_over_mqtt(
    harness: Harness, community: str, version: str
) -> None:
    device = await harness.create_device(community, f"clock-{version}", "street_light")
    client = aiomqtt.Client(
        "127.0.0.1",
        port(harness),
        username=device["access_token"],
        identifier=f"clock-{version}",
        protocol=VERSIONS[version],
    )
    before = int(datetime.now(UTC).timestamp() * 1000)
    async with client:
        await client.subscribe("v1/devices/me/rpc/response/+", qos=1)
        await client.publish(
            "v1/devices/me/rpc/request/3",
            json.dumps({"method": "getCurrentTime", "params": {}}),
            qos=1,
        )
        await client.publish(
            "v1/devices/me/rpc/request/4", json.dumps({"method": "selfDestruct"}), qos=1
        )
        answers = {}
        messages = aiter(client.messages)
        while len(answers) < 2:
            message = await asyncio.wait_for(anext(messages), 30)
            answers[message.topic.value] = json.loads(message.payload)
    after = int(datetime.now(UTC).timestamp() * 1000)
    assert before <= answers["v1/devices/me/rpc/response/3"]["time"] <= after
    assert answers["v1/devices/me/rpc/response/4"] == {"error": "unknown method selfDestruct"}


async def test_a_device_calls_the_platform_over_http(harness: Harness, community: str) -> None:
    device = await harness.create_device(community, "clock-http", "street_light")
    url = f"/api/v1/{device['access_token']}/rpc"
    limits = await harness.client.post(url, json={"method": "getSessionLimits", "params": {}})
    assert limits.status_code == 200
    assert limits.json() == {"maxPayloadSize": 65536, "maxInflightMessages": 64}
    bad = await harness.client.post(url, json={"params": {}})
    assert bad.status_code == 400
    assert bad.json()["code"] == "rpc.malformed"
    assert bad.json()["messages"]["zh-CN"].startswith("RPC 调用须为")


# ---- claiming ---------------------------------------------------------------------------


async def test_a_resident_claims_a_device_that_announced_its_secret_over_mqtt(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, f"scale-{community}", "wearable")
    async with v5_client(harness, device["access_token"], "scale-claim") as client:
        claim = {"secretKey": "s3cret-42", "durationMs": 600_000}
        await client.publish("v1/devices/me/claim", json.dumps(claim), qos=1)
    resident = harness.user(Grant("resident", "household", "hh-claim-1"), sub="res-1")
    ask = {"device_name": device["name"], "secret_key": "wrong"}
    refused = await harness.client.post("/api/v1/device-claims", json=ask, headers=resident)
    assert refused.status_code == 404
    assert refused.json()["code"] == "device.claim_failed"
    assert refused.json()["detail"].startswith("没有找到")
    ask["secret_key"] = "s3cret-42"
    claimed = await harness.client.post("/api/v1/device-claims", json=ask, headers=resident)
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["household_id"] == "hh-claim-1"
    # staff see where it now belongs
    staff = await harness.client.get(
        f"/api/v1/devices/{device['id']}", headers=harness.admin(community)
    )
    assert staff.json()["household_id"] == "hh-claim-1"
    # the secret is spent: nobody claims it again with it
    other = harness.user(Grant("resident", "household", "hh-claim-2"), sub="res-2")
    again = await harness.client.post("/api/v1/device-claims", json=ask, headers=other)
    assert again.status_code == 404


async def test_claiming_over_http_and_its_refusals(harness: Harness, community: str) -> None:
    device = await harness.create_device(community, f"meter-{community}", "water_meter")
    announce = f"/api/v1/{device['access_token']}/claim"
    assert (await harness.client.post(announce, json={"secretKey": "k1"})).status_code == 200
    bad = await harness.client.post(announce, json={"secretKey": 42})
    assert bad.status_code == 400 and bad.json()["code"] == "claim.malformed"
    ask = {"device_name": device["name"], "secret_key": "k1"}
    # two households and none named: which one?
    two = harness.user(
        Grant("resident", "household", "hh-a"), Grant("family", "household", "hh-b"), sub="r3"
    )
    ambiguous = await harness.client.post("/api/v1/device-claims", json=ask, headers=two)
    assert ambiguous.status_code == 422 and ambiguous.json()["code"] == "place.ambiguous"
    # a household that is not the resident's
    foreign = {**ask, "household_id": "hh-not-mine"}
    forbidden = await harness.client.post("/api/v1/device-claims", json=foreign, headers=two)
    assert forbidden.status_code == 403
    # staff place it in a household they serve
    staff = harness.admin(community, "property_manager")
    placed = await harness.client.post(
        "/api/v1/device-claims", json={**ask, "household_id": "hh-c"}, headers=staff
    )
    assert placed.status_code == 200 and placed.json()["household_id"] == "hh-c"
    # announced again, it cannot change household by a claim
    assert (await harness.client.post(announce, json={"secretKey": "k2"})).status_code == 200
    taken = await harness.client.post(
        "/api/v1/device-claims",
        json={**ask, "secret_key": "k2", "household_id": "hh-a"},
        headers=two,
    )
    assert taken.status_code == 409 and taken.json()["code"] == "device.already_claimed"


# ---- provisioning over MQTT -------------------------------------------------------------


@pytest.mark.parametrize("version", ["3.1.1", "5"])
async def test_a_fleet_device_provisions_itself_over_mqtt(
    harness: Harness, community: str, version: str
) -> None:
    made = await harness.client.post(
        "/api/v1/provision-profiles",
        json={"name": "meters", "device_type": "water_meter", "community_id": community},
        headers=harness.admin(community),
    )
    key, secret = made.json()["key"], made.json()["secret"]
    provisioner = aiomqtt.Client(
        "127.0.0.1",
        port(harness),
        username="provision",
        identifier=f"prov-{version}",
        protocol=VERSIONS[version],
    )
    answers = []
    async with provisioner:
        await provisioner.subscribe("/provision/response", qos=1)
        messages = aiter(provisioner.messages)
        for given in ("wrong-secret", secret):
            request = {
                "deviceName": f"wm-{version}",
                "provisionDeviceKey": key,
                "provisionDeviceSecret": given,
            }
            await provisioner.publish("/provision/request", json.dumps(request), qos=1)
            message = await asyncio.wait_for(anext(messages), 30)
            answers.append(json.loads(message.payload))
    assert answers[0] == {"status": "NOT_FOUND", "errorMsg": "Unknown provisioning key or secret"}
    assert answers[1]["status"] == "SUCCESS"
    assert answers[1]["credentialsType"] == "ACCESS_TOKEN"
    token = answers[1]["credentialsValue"]
    # the new device connects with its token and reports
    meter = aiomqtt.Client("127.0.0.1", port(harness), username=token, identifier=f"wm-{version}")
    async with meter:
        await meter.publish(
            "v1/devices/me/telemetry", json.dumps({"totalWaterConsumption": 12.5}), qos=1
        )
    devices = await harness.sql(
        "SELECT id FROM devices WHERE community_id = :c AND name = :n",
        c=community,
        n=f"wm-{version}",
    )
    assert await harness.wait_stored(1, str(devices[0].id)) == 1


# ---- gateway API ------------------------------------------------------------------------


async def test_a_gateway_connects_its_devices_and_reports_their_attributes(
    harness: Harness, community: str
) -> None:
    gateway = await harness.create_device(community, "gw-api", "edge_gateway")
    async with v5_client(harness, gateway["access_token"], "gw-api") as client:
        connect = {"device": "Meter 7", "type": "water_meter"}
        await client.publish("v1/gateway/connect", json.dumps(connect), qos=1)
        await client.publish("v1/gateway/connect", json.dumps({"device": "Mystery"}), qos=1)
        batch = {"Meter 7": {"totalWaterConsumption": 3.5}}
        await client.publish("v1/gateway/telemetry", json.dumps(batch), qos=1)
        attributes = {"Meter 7": {"fw": "2.0"}, "Mystery": {"fw": "x"}}
        await client.publish("v1/gateway/attributes", json.dumps(attributes), qos=1)
        await client.publish("v1/gateway/disconnect", json.dumps({"device": "Meter 7"}), qos=1)
    rows = await harness.sql(
        "SELECT id, name, device_type, provisioned_by, attributes, status FROM devices"
        " WHERE community_id = :c ORDER BY name",
        c=community,
    )
    created = {r.name: r for r in rows}
    assert set(created) == {"gw-api", "Meter 7"}  # a device of no known type is not created
    meter = created["Meter 7"]
    assert meter.device_type == "water_meter"
    assert meter.provisioned_by == f"gateway:{gateway['id']}"
    assert meter.attributes == {"fw": "2.0"}
    assert meter.status == "online"
    assert await harness.wait_stored(1, str(meter.id)) == 1


async def test_rpc_and_attribute_requests_through_a_gateway(
    harness: Harness, community: str
) -> None:
    gateway = await harness.create_device(community, "gw-rpc", "edge_gateway")
    async with v5_client(harness, gateway["access_token"], "gw-rpc") as client:
        await client.subscribe("v1/gateway/rpc", qos=1)
        await client.subscribe("v1/gateway/attributes/response", qos=1)
        connect = {"device": "Lamp 3", "type": "street_light"}
        await client.publish("v1/gateway/connect", json.dumps(connect), qos=1)
        lamp = (
            await harness.sql(
                "SELECT id FROM devices WHERE community_id = :c AND name = 'Lamp 3'", c=community
            )
        )[0]
        await share(harness, community, {"id": str(lamp.id)}, dimLevel=40)
        messages = aiter(client.messages)
        ask = {"id": 5, "device": "Lamp 3", "client": False, "key": "dimLevel"}
        await client.publish("v1/gateway/attributes/request", json.dumps(ask), qos=1)
        answer = await asyncio.wait_for(anext(messages), 30)
        assert answer.topic.value == "v1/gateway/attributes/response"
        assert json.loads(answer.payload) == {"id": 5, "device": "Lamp 3", "value": 40}

        sent = await harness.client.post(
            f"/api/v1/devices/{lamp.id}/commands",
            json={"method": "switch_light", "params": {"on": True}},
            headers=harness.admin(community),
        )
        created = sent.json()
        assert created["status"] == "sent"
        request = await asyncio.wait_for(anext(messages), 30)
        assert request.topic.value == "v1/gateway/rpc"
        assert json.loads(request.payload) == {
            "device": "Lamp 3",
            "data": {"id": created["rpc_id"], "method": "switch_light", "params": {"on": True}},
        }
        reply = {"device": "Lamp 3", "id": created["rpc_id"], "data": {"on": True}}
        await client.publish("v1/gateway/rpc", json.dumps(reply), qos=1)
    url = f"/api/v1/devices/{lamp.id}/commands/{created['id']}"
    done = (await harness.client.get(url, headers=harness.admin(community))).json()
    assert done["status"] == "succeeded" and done["result"] == {"on": True}
