"""Commands: sent by people or by command events, picked up by an HTTP long-poll,
answered, expired when unanswered; all of it stored and queryable."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from di_helpers import Harness

from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent
from sc_core.bus.testing import feed_longest


async def completions(harness: Harness, device: dict[str, Any]) -> list[dict[str, Any]]:
    rows = await harness.sql(
        "SELECT payload FROM event_outbox WHERE topic = :t AND key = :k ORDER BY seq",
        t=harness.topic("device.command-results.v1"),
        k=device["id"],
    )
    return [json.loads(r.payload) for r in rows]


async def command(harness: Harness, community: str, device: dict[str, Any], cid: str) -> Any:
    url = f"/api/v1/devices/{device['id']}/commands/{cid}"
    return (await harness.client.get(url, headers=harness.admin(community))).json()


async def test_http_long_poll_answer_and_history(harness: Harness, community: str) -> None:
    door = await harness.create_device(community, "door-7", "door_contact")
    token = door["access_token"]
    poll = asyncio.create_task(
        harness.client.get(f"/api/v1/{token}/rpc", params={"timeout": 20000})
    )
    await asyncio.sleep(0.2)  # the device is waiting before the command exists
    sent = await harness.client.post(
        f"/api/v1/devices/{door['id']}/commands",
        json={"method": "open_door", "params": {"duration_s": 5}},
        headers=harness.user(Grant("property_staff", "community", community)),
    )
    assert sent.status_code == 202, sent.text
    created = sent.json()
    assert created["status"] == "queued" and created["source"] == "api"
    request = (await poll).json()
    assert request == {"id": created["rpc_id"], "method": "open_door", "params": {"duration_s": 5}}
    assert (await command(harness, community, door, created["id"]))["status"] == "sent"
    answer = await harness.client.post(
        f"/api/v1/{token}/rpc/{created['rpc_id']}", json={"opened": True}
    )
    assert answer.status_code == 200
    done = await command(harness, community, door, created["id"])
    assert done["status"] == "succeeded" and done["result"] == {"opened": True}
    assert done["completed_at"] is not None
    again = await harness.client.post(f"/api/v1/{token}/rpc/{created['rpc_id']}", json={})
    assert again.status_code == 404
    empty = await harness.client.get(f"/api/v1/{token}/rpc", params={"timeout": 100})
    assert empty.status_code == 408
    history = await harness.client.get(
        f"/api/v1/devices/{door['id']}/commands", headers=harness.admin(community)
    )
    assert [c["id"] for c in history.json()["items"]] == [created["id"]]


async def test_unknown_method_forbidden_caller_and_failed_answer(
    harness: Harness, community: str
) -> None:
    lamp = await harness.create_device(community, "lamp-c", "street_light")
    url = f"/api/v1/devices/{lamp['id']}/commands"
    bad = await harness.client.post(
        url, json={"method": "open_door"}, headers=harness.admin(community)
    )
    assert bad.status_code == 422 and bad.json()["code"] == "command.unknown_method"
    resident = harness.user(Grant("resident", "community", community))
    assert (
        await harness.client.post(url, json={"method": "dim_light"}, headers=resident)
    ).status_code == 403
    created = (
        await harness.client.post(
            url,
            json={"method": "dim_light", "params": {"level": 30}},
            headers=harness.admin(community),
        )
    ).json()
    token = lamp["access_token"]
    polled = (await harness.client.get(f"/api/v1/{token}/rpc", params={"timeout": 1000})).json()
    assert polled["id"] == created["rpc_id"]
    await harness.client.post(f"/api/v1/{token}/rpc/{polled['id']}", json={"error": "driver fault"})
    failed = await command(harness, community, lamp, created["id"])
    assert failed["status"] == "failed" and failed["error"] == "driver fault"
    assert [e["outcome"] for e in await completions(harness, lamp)] == ["failed"]


async def test_unanswered_commands_expire(harness: Harness, community: str) -> None:
    pump = await harness.create_device(community, "pump-1", "water_tank")
    created = (
        await harness.client.post(
            f"/api/v1/devices/{pump['id']}/commands",
            json={"method": "start_pump", "timeout_s": 30},
            headers=harness.admin(community),
        )
    ).json()
    commands = harness.usecases.commands
    await commands.expire(now=datetime.now(UTC))
    assert (await command(harness, community, pump, created["id"]))["status"] == "queued"
    await commands.expire(now=datetime.fromisoformat(created["expires_at"]) + timedelta(seconds=1))
    expired = await command(harness, community, pump, created["id"])
    assert expired["status"] == "expired" and expired["error"] == "no answer in time"
    [event] = await completions(harness, pump)
    assert event["outcome"] == "expired" and event["command_id"] == created["id"]
    token = pump["access_token"]
    assert (
        await harness.client.get(f"/api/v1/{token}/rpc", params={"timeout": 0})
    ).status_code == 408


async def send_command_events(
    harness: Harness, device: dict[str, Any], data: dict[str, Any], times: int
) -> None:
    settings = harness.settings
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        enable_idempotence=settings.kafka_enable_idempotence,
    )
    await producer.start()
    try:
        for _ in range(times):
            event = CloudEvent.create(
                "community.device.command_requested.v1",
                f"/services/{data['requested_by_service']}",
                data,
                subject=device["id"],
            )
            await producer.send_and_wait(
                harness.topic("device.commands.v1"),
                event.body(),
                key=device["id"].encode(),
                headers=event.headers(),
            )
    finally:
        await producer.stop()


def command_event(
    device: dict[str, Any], community: str, command: str, **params: Any
) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "command_id": f"cmd-{command}-{device['id'][:8]}",
        "device_id": device["id"],
        "command": command,
        "params": params,
        "community_id": community,
        "requested_by": "u-1001",
        "requested_by_service": "alarm",
        "requested_at": now.isoformat(),
        "expires_at": (now + timedelta(seconds=30)).isoformat(),
        "correlation_id": None,
    }


async def test_a_command_event_the_device_cannot_take_fails_with_the_reason(
    harness: Harness, community: str
) -> None:
    speaker = await harness.create_device(community, "speaker-1", "voice_speaker")
    data = command_event(speaker, community, "open_door", door_id="d-1")
    await send_command_events(harness, speaker, data, times=1)
    done: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not done:
        done = await completions(harness, speaker)
        await asyncio.sleep(0.05)
    [event] = done
    assert event["outcome"] == "failed" and event["request_command_id"] == data["command_id"]
    assert event["error"].startswith("command.unknown_method: voice_speaker takes voice_warning")
    token = speaker["access_token"]  # and nothing waits for the device
    assert (
        await harness.client.get(f"/api/v1/{token}/rpc", params={"timeout": 0})
    ).status_code == 408


async def test_command_events_from_other_services_are_carried_out_once(
    harness: Harness, community: str
) -> None:
    gate = await harness.create_device(community, "gate-1", "gate")
    data = {
        **command_event(gate, community, "open_door", door_id="door-north", duration_s=5),
        "requested_by_service": "identity",
    }
    await send_command_events(harness, gate, data, times=2)  # one command_id, two events
    token = gate["access_token"]
    polled = await harness.client.get(f"/api/v1/{token}/rpc", params={"timeout": 30000})
    assert polled.status_code == 200
    assert polled.json()["method"] == "open_door"
    await harness.client.post(f"/api/v1/{token}/rpc/{polled.json()['id']}", json={"ok": True})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # give a duplicate command time to appear, if any
        rows = await harness.sql(
            "SELECT status, source FROM device_commands WHERE device_id = :d", d=gate["id"]
        )
        inbox = await harness.sql(
            "SELECT count(*) AS n FROM event_inbox WHERE consumer = 'commands'"
        )
        if inbox[0].n >= 2:
            break
        await asyncio.sleep(0.05)
    assert [(r.status, r.source) for r in rows] == [("succeeded", "event:identity")]
    [done] = await completions(harness, gate)
    assert done["outcome"] == "succeeded" and done["request_command_id"] == data["command_id"]
    assert done["result"] == {"ok": True} and done["command"] == "open_door"


async def test_every_consumer_takes_the_longest_valid_events(
    harness: Harness, community: str
) -> None:
    """No schema-valid event is dead-lettered by a column narrower than its contract: a
    command from a service with the longest name the contract allows ("event:<service>"
    once overflowed device_commands.source) is stored and carried out."""
    speaker = await harness.create_device(community, "speaker-long", "voice_speaker")
    now = datetime.now(UTC)
    fed = await feed_longest(
        harness.app.state.runtime,
        overrides={
            "community.device.command_requested.v1": {
                "device_id": speaker["id"],
                "community_id": community,
                "command": "voice_warning",
                "params": {"text": "1号楼 1单元 101室 烟雾报警", "repeat": 1},
                "requested_at": now.isoformat(),
                "expires_at": (now + timedelta(seconds=60)).isoformat(),
            }
        },
    )
    assert ("commands", "community.device.command_requested.v1") in fed
    [row] = await harness.sql(
        "SELECT method, status, source, request_event_id FROM device_commands WHERE device_id = :d",
        d=speaker["id"],
    )
    assert row.method == "voice_warning" and row.status in ("queued", "sent")
    assert len(row.source) == len("event:") + 64 and len(row.request_event_id) == 64


async def test_a_door_registered_with_its_device_links_the_device(
    harness: Harness, community: str
) -> None:
    """Issue 19 item 5: a door and its device in one step. Registering the door in identity
    with the device's id (identity's DoorChangedV1) gives the device its door: no patch of
    the device; a door of another community does not take it; a removed door lets go."""
    from sc_contracts.events import DoorChangedV1
    from sc_devinfra.waiting import eventually

    device = await harness.create_device(community, "gate-east", "gate")
    door_id = f"door-{device['id'][:8]}"
    url = f"/api/v1/devices/{device['id']}"
    staff = harness.admin(community)

    async def send(change: str, community_id: str, door: str) -> None:
        data = DoorChangedV1.model_validate(
            {
                "aggregate_id": door, "door_id": door, "change": change,
                "community_id": community_id, "device_id": device["id"],
                "changed_by": "admin-1", "changed_at": datetime.now(UTC),
            }
        )  # fmt: skip
        event = CloudEvent.create(
            "community.door.changed.v1", "/services/identity", data, subject=door
        )
        producer = AIOKafkaProducer(bootstrap_servers=harness.settings.kafka_bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(
                harness.topic("identity.events.v1"),
                event.body(),
                key=door.encode(),
                headers=event.headers(),
            )
        finally:
            await producer.stop()

    async def door_of_device() -> Any:
        return (await harness.client.get(url, headers=staff)).json()["door_id"]

    await send("registered", "c-elsewhere", "door-foreign")  # another community's door
    await send("registered", community, door_id)
    assert await eventually(door_of_device, timeout=300) == door_id
    await send("removed", community, door_id)

    async def unlinked() -> bool:
        return await door_of_device() is None

    assert await eventually(unlinked, timeout=300)
