"""Firmware over the air (issue 20 item 4), as ThingsBoard's device API has it: staff upload
a package for a device type and assign it; devices learn of it through their fw_* shared
attributes (MQTT push, HTTP long-poll), fetch it in chunks over MQTT
(v2/fw/request/{id}/chunk/{n}) and HTTP (GET /api/v1/{token}/firmware), and report fw_state,
which staff see on the device and in the package's rollout."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiomqtt
import pytest
from device_ingestion.domain.firmware import chunk_of
from di_helpers import Harness, make_settings, start_harness

from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer

IMAGE = os.urandom(10_000 + 123)  # not a multiple of the chunk sizes used
SHA256 = hashlib.sha256(IMAGE).hexdigest()


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Harness]:
    settings = make_settings(
        module_database_url,
        kafka_bootstrap,
        kafka_idempotence,
        jwks_url,
        mqtt_embedded=True,
        mqtt_embedded_port=0,
        attachment_dir=tmp_path_factory.mktemp("objects"),
    )
    async with start_harness(settings, issuer) as h:
        await h.app.state.mqtt.ready()
        yield h


def device_client(harness: Harness, token: str) -> aiomqtt.Client:
    port = int(harness.app.state.mqtt.port)
    return aiomqtt.Client("127.0.0.1", port, username=token, identifier=token[:12])


async def upload(
    harness: Harness,
    community: str,
    version: str = "1.1",
    *,
    data: bytes = IMAGE,
    headers: dict[str, str] | None = None,
    **form: str,
) -> Any:
    fields = {"title": "smoke-fw", "version": version, "device_type": "smoke_detector", **form}
    return await harness.client.post(
        "/api/v1/firmware",
        data=fields,
        files={"file": ("smoke.bin", data, "application/octet-stream")},
        headers=headers or harness.admin(community),
    )


async def wait_waiting(harness: Harness, device_id: str) -> None:
    updates = harness.usecases.attribute_updates
    for _ in range(600):
        if updates.waiting(uuid.UUID(device_id)):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the long-poll never started waiting")


async def test_staff_upload_a_package_checked_by_its_sha256(
    harness: Harness, community: str
) -> None:
    created = await upload(harness, community, checksum=SHA256.upper())
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["title"], body["version"], body["device_type"]) == (
        "smoke-fw",
        "1.1",
        "smoke_detector",
    )
    assert (body["checksum_algorithm"], body["checksum"], body["size"]) == (
        "SHA256",
        SHA256,
        len(IMAGE),
    )
    assert body["community_id"] == community  # the caller's one community
    damaged = await upload(harness, community, "1.2", checksum="0" * 64)
    assert damaged.status_code == 422
    assert damaged.json()["code"] == "firmware.checksum_mismatch"
    assert damaged.json()["computed"] == SHA256
    md5 = await upload(harness, community, "1.3", checksum_algorithm="MD5")
    assert md5.json()["code"] == "firmware.checksum_algorithm_unsupported"
    again = await upload(harness, community)
    assert again.status_code == 409
    assert again.json()["code"] == "firmware.version_taken"
    assert "固件" in again.json()["messages"]["zh-CN"]
    empty = await upload(harness, community, "1.4", data=b"")
    assert empty.status_code == 422
    staff = harness.user(Grant("property_staff", "community", community))
    refused = await upload(harness, community, "1.5", headers=staff)
    assert refused.status_code == 403
    listed = await harness.client.get("/api/v1/firmware", headers=staff)
    assert [p["version"] for p in listed.json()["items"]] == ["1.1"]
    elsewhere = harness.user(Grant("community_admin", "community", "c-other"))
    hidden = await harness.client.get(f"/api/v1/firmware/{body['id']}", headers=elsewhere)
    assert hidden.status_code == 403


async def test_a_type_assignment_tells_its_devices_through_shared_attributes(
    harness: Harness, community: str
) -> None:
    polled = await harness.create_device(community, "smoke-a", "smoke_detector")
    pushed = await harness.create_device(community, "smoke-b", "smoke_detector")
    other = await harness.create_device(community, "env-a", "environment_sensor")
    package = (await upload(harness, community)).json()
    url = f"/api/v1/{polled['access_token']}/attributes/updates"
    poll = asyncio.create_task(harness.client.get(url, params={"timeout": 60_000}))
    await wait_waiting(harness, polled["id"])
    told = {
        "fw_title": "smoke-fw",
        "fw_version": "1.1",
        "fw_checksum": SHA256,
        "fw_checksum_algorithm": "SHA256",
        "fw_size": len(IMAGE),
    }
    async with device_client(harness, pushed["access_token"]) as client:
        await client.subscribe("v1/devices/me/attributes", qos=1)
        assigned = await harness.client.post(
            f"/api/v1/firmware/{package['id']}/assignments",
            json={},
            headers=harness.admin(community),
        )
        assert assigned.status_code == 200, assigned.text
        assert assigned.json() == {"firmware_id": package["id"], "devices": 2}
        message = await asyncio.wait_for(anext(aiter(client.messages)), 30)
        assert json.loads(message.payload) == told  # type: ignore[arg-type]
    answer = await asyncio.wait_for(poll, 60)
    assert answer.status_code == 200
    assert answer.json() == told
    read = await harness.client.get(
        f"/api/v1/devices/{polled['id']}", headers=harness.admin(community)
    )
    assert {k: read.json()["shared_attributes"][k] for k in told} == told
    assert read.json()["fw_state"] is None
    assert read.json()["fw_state_text"] == {
        "zh-CN": "等待设备下载",
        "en": "waiting for the device to download it",
    }
    untouched = await harness.client.get(
        f"/api/v1/devices/{other['id']}", headers=harness.admin(community)
    )
    assert "fw_title" not in untouched.json()["shared_attributes"]
    assert untouched.json()["fw_state_text"]["en"] == "no firmware assigned"
    # a device of the type registered later is told at once
    later = await harness.create_device(community, "smoke-c", "smoke_detector")
    assert {k: later["shared_attributes"][k] for k in told} == told
    # a device of another type cannot take it
    wrong = await harness.client.post(
        f"/api/v1/firmware/{package['id']}/assignments",
        json={"device_ids": [other["id"]]},
        headers=harness.admin(community),
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "firmware.incompatible"


@pytest.mark.parametrize("version", ["3.1.1", "5"])
async def test_a_device_fetches_its_firmware_in_chunks_over_mqtt(
    harness: Harness, community: str, version: str
) -> None:
    device = await harness.create_device(community, f"smoke-m{version}", "smoke_detector")
    package = (await upload(harness, community, f"2.0-{version}")).json()
    assigned = await harness.client.post(
        f"/api/v1/firmware/{package['id']}/assignments",
        json={"device_ids": [device["id"]]},
        headers=harness.admin(community),
    )
    assert assigned.json()["devices"] == 1
    protocol = aiomqtt.ProtocolVersion.V5 if version == "5" else aiomqtt.ProtocolVersion.V311
    port = int(harness.app.state.mqtt.port)
    client = aiomqtt.Client("127.0.0.1", port, username=device["access_token"], protocol=protocol)
    received = bytearray()
    async with client:
        await client.subscribe("v2/fw/response/+/chunk/+", qos=1)
        messages = aiter(client.messages)
        chunk = 0
        while True:
            await client.publish(f"v2/fw/request/7/chunk/{chunk}", b"4096", qos=1)
            message = await asyncio.wait_for(anext(messages), 30)
            assert message.topic.value == f"v2/fw/response/7/chunk/{chunk}"
            payload = bytes(message.payload)  # type: ignore[arg-type]
            if not payload:
                break
            assert len(payload) <= 4096
            received += payload
            chunk += 1
        # no size: the whole package at once
        await client.publish("v2/fw/request/8/chunk/0", b"", qos=1)
        whole = await asyncio.wait_for(anext(messages), 30)
    assert chunk == 3  # 4096 + 4096 + 1931 bytes, then an empty answer
    assert hashlib.sha256(received).hexdigest() == SHA256
    assert bytes(whole.payload) == IMAGE  # type: ignore[arg-type]


async def test_a_device_without_firmware_is_told_not_found_over_mqtt(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "wear-nofw", "wearable")
    async with device_client(harness, device["access_token"]) as client:
        await client.subscribe("v2/fw/error", qos=1)
        await client.publish("v2/fw/request/1/chunk/0", b"1024", qos=0)
        message = await asyncio.wait_for(anext(aiter(client.messages)), 30)
        assert message.topic.value == "v2/fw/error"
        assert message.payload == b"NOT_FOUND"
        with pytest.raises(aiomqtt.MqttError):  # ThingsBoard closes the session too
            await client.publish("v1/devices/me/telemetry", b'{"heartRate": 70}', qos=1, timeout=15)


async def test_http_chunks_and_the_update_reported_to_staff(
    harness: Harness, community: str
) -> None:
    ok = await harness.create_device(community, "smoke-h1", "smoke_detector")
    bad = await harness.create_device(community, "smoke-h2", "smoke_detector")
    idle = await harness.create_device(community, "smoke-h3", "smoke_detector")
    package = (await upload(harness, community, "3.0")).json()
    admin = harness.admin(community)
    await harness.client.post(
        f"/api/v1/firmware/{package['id']}/assignments",
        json={"device_ids": [ok["id"], bad["id"], idle["id"]]},
        headers=admin,
    )
    url = f"/api/v1/{ok['access_token']}/firmware"
    received = b""
    for chunk in range(100):
        params: dict[str, Any] = {"title": "smoke-fw", "version": "3.0", "size": 3000}
        answer = await harness.client.get(url, params={**params, "chunk": chunk})
        assert answer.status_code == 200
        if not answer.content:
            break
        received += answer.content
    assert received == IMAGE and chunk == 4
    stale = await harness.client.get(url, params={"title": "smoke-fw", "version": "1.0"})
    assert stale.status_code == 400
    assert stale.json()["code"] == "firmware.not_current"
    plain = await harness.create_device(community, "wear-h", "wearable")
    none = await harness.client.get(
        f"/api/v1/{plain['access_token']}/firmware", params={"title": "x", "version": "1"}
    )
    assert none.status_code == 404
    assert none.json()["code"] == "firmware.not_assigned"

    # the devices report their progress as fw_state telemetry
    async def report(device: dict[str, Any], *values: dict[str, Any]) -> None:
        for body in values:
            sent = await harness.client.post(
                f"/api/v1/{device['access_token']}/telemetry", json=body
            )
            assert sent.json()["accepted"] == len(body), sent.text

    await report(ok, {"fw_state": "DOWNLOADING"}, {"fw_state": "DOWNLOADED"})
    await report(ok, {"fw_state": "VERIFIED"}, {"fw_state": "UPDATING"})
    await report(
        ok, {"fw_state": "UPDATED", "current_fw_title": "smoke-fw", "current_fw_version": "3.0"}
    )
    await report(bad, {"fw_state": "DOWNLOADING"})
    await report(bad, {"fw_state": "FAILED", "fw_error": "checksum does not match"})
    failed = (await harness.client.get(f"/api/v1/devices/{bad['id']}", headers=admin)).json()
    assert (failed["fw_state"], failed["fw_error"]) == ("FAILED", "checksum does not match")
    assert failed["fw_state_text"] == {"zh-CN": "升级失败", "en": "the update failed"}
    updated = (await harness.client.get(f"/api/v1/devices/{ok['id']}", headers=admin)).json()
    assert updated["fw_state"] == "UPDATED"
    assert updated["fw_state_text"]["zh-CN"] == "已升级"
    rollout = await harness.client.get(f"/api/v1/firmware/{package['id']}/rollout", headers=admin)
    assert rollout.status_code == 200
    counts = {s["state"]: s["devices"] for s in rollout.json()["states"]}
    assert rollout.json()["devices"] == 3
    assert counts == {
        "QUEUED": 1,
        "INITIATED": 0,
        "DOWNLOADING": 0,
        "DOWNLOADED": 0,
        "VERIFIED": 0,
        "UPDATING": 0,
        "UPDATED": 1,
        "FAILED": 1,
    }
    labels = {s["state"]: s["text"]["zh-CN"] for s in rollout.json()["states"]}
    assert labels["QUEUED"] == "等待设备下载"
    # the failure is on the telemetry stream (what the alarm service's rules read) and stored
    assert await harness.wait_stored(3, bad["id"]) == 3
    latest = await harness.client.get(f"/api/v1/devices/{bad['id']}/latest", headers=admin)
    assert latest.json()["fw_state"]["value"] == "FAILED"
    assert latest.json()["fw_error"]["value"] == "checksum does not match"
    assert latest.json()["fw_state"]["unvalidated"] is False


def test_chunks_are_cut_as_thingsboard_cuts_them() -> None:
    assert chunk_of(b"abcdefg", 3, 0) == b"abc"
    assert chunk_of(b"abcdefg", 3, 2) == b"g"
    assert chunk_of(b"abcdefg", 3, 3) == b""
    assert chunk_of(b"abcdefg", 0, 0) == b"abcdefg"
    assert chunk_of(b"abcdefg", 0, 1) == b""
