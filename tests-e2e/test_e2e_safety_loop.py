"""The safety loop, end to end, driven only as an app, a device and staff would drive it:
through the gateway (HTTP and Server-Sent Events) with the demo community and accounts.

1. A smoke detector in a flat reports smoke -> a critical alarm -> the on-duty property
   staff member sees it on the stream and in the inbox, an SMS is recorded -> a work order
   is opened from the alarm -> staff accept, reply with a photo, resolve -> the alarm
   clears -> the resident is notified, confirms and rates the handling.
2. An elderly resident presses the in-home emergency button -> the family member and the
   property are notified; the property acknowledges and the escalation stops.
4. A water-tank sensor goes silent -> offline alarm -> it reports again -> the alarm clears.
5. An integrator subscribed to `alarm.events.v1` receives every alarm raised above (and
   its own), as CloudEvents whose data validates against the committed JSON Schema.
(3, energy statistics, is tests-e2e/test_e2e_energy.py.)
"""

from __future__ import annotations

import asyncio
import json
import struct
import time
import uuid
import zlib
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from aiokafka import AIOKafkaConsumer

from e2e_kit import Stream, home_of, me, register_device, wait_until

# every test here raises or clears alarms in the demo community (conftest: exclusive)
pytestmark = pytest.mark.exclusive("demo-alarms")


def png() -> bytes:
    """A real 1x1 PNG (what a phone's photo is, as far as the type check goes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def alarms_of(api: httpx.Client, headers: dict[str, str], device_id: str) -> list[dict[str, Any]]:
    r = api.get("/api/v1/alarms", headers=headers, params={"limit": 100})
    assert r.status_code == 200, r.text
    return [a for a in r.json()["items"] if a["originator_id"] == device_id]


def inbox(api: httpx.Client, headers: dict[str, str]) -> list[dict[str, Any]]:
    r = api.get("/api/v1/inbox", headers=headers, params={"limit": 100})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def step(api: httpx.Client, headers: dict[str, str], wo: str, action: str, **body: Any) -> Any:
    r = api.post(f"/api/v1/work-orders/{wo}/{action}", headers=headers, json=body)
    assert r.status_code == 200, (action, r.text)
    return r.json()


def test_smoke_in_a_flat_runs_the_whole_loop(gateway_url: str, login) -> None:  # type: ignore[no-untyped-def]
    admin, staff = login("community_admin"), login("property_staff")
    resident, platform = login("resident"), login("platform_admin")
    run = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        staff_id = me(api, staff)["id"]
        home = home_of(api, resident)
        device, token = register_device(api, admin, f"e2e-smoke-{run}", "smoke_detector", home)
        stream = Stream(gateway_url, staff).start()
        try:
            sent_at = time.monotonic()
            r = api.post(f"/api/v1/{token}/telemetry", json={"smokeDetected": True})
            assert r.status_code == 200 and r.json()["accepted"] == 1, r.text

            # a critical alarm on the smoke detector
            [alarm] = wait_until(lambda: alarms_of(api, staff, device), 30, "the smoke alarm")
            assert alarm["severity"] == "critical" and alarm["status"] == "active_unack"
            assert alarm["room_id"] == home["room_id"]

            # the on-duty staff member: the stream, the inbox, an SMS
            _, seen = wait_until(
                lambda: stream.find("alarm", alarm_id=alarm["id"]), 30, "the alarm on the stream"
            )
            message = wait_until(
                lambda: stream.find("message", correlation_id=alarm["id"]),
                30,
                "the alarm message on the stream",
            )
            assert message[0]["severity"] == "critical"
            assert any(m["correlation_id"] == alarm["id"] for m in inbox(api, staff))

            def sms_sent() -> list[dict[str, Any]]:
                r = api.get(
                    "/api/v1/dev/sink",
                    headers=platform,
                    params={"channel": "sms", "recipient_id": staff_id},
                )
                if r.status_code in (429, 503, 504):  # busy for a moment: ask again
                    return []
                assert r.status_code == 200, r.text  # a refusal names itself, not a KeyError
                return list(r.json()["items"])

            sms = wait_until(sms_sent, 30, "the SMS to the staff member")
            assert sms
            print(
                f"\nsmoke reading -> alarm on the staff stream {seen - sent_at:.3f} s, "
                f"inbox message {message[1] - sent_at:.3f} s"
            )
        finally:
            stream.stop()

        # a work order opened from the alarm, exactly one
        def dispatched() -> list[dict[str, Any]]:
            r = api.get(
                "/api/v1/work-orders",
                headers=staff,
                params={"type": "alarm_dispatch", "limit": 100},
            )
            assert r.status_code == 200, r.text
            return [w for w in r.json()["items"] if w["alarm_id"] == alarm["id"]]

        [case] = wait_until(dispatched, 30, "the work order opened from the alarm")
        assert case["priority"] == "urgent" and case["household_id"] == home["household_id"]
        wo = case["id"]

        # staff accept, take it, start, reply with a photo and position, resolve
        step(api, staff, wo, "accept")
        step(api, staff, wo, "assign", assignee_id=staff_id)
        step(api, staff, wo, "start")
        upload = api.post(
            "/api/v1/work-order-attachments",
            headers=staff,
            files={"file": ("scene.png", png(), "image/png")},
        )
        assert upload.status_code == 201, upload.text
        step(
            api,
            staff,
            wo,
            "reply",
            text="烟感误报，已清理厨房油烟 False alarm: kitchen fumes, cleaned",
            attachment_ids=[upload.json()["id"]],
            latitude=31.2304,
            longitude=121.4737,
        )
        step(api, staff, wo, "resolve", text="Detector tested and reset")

        # the alarm clears because its work order was resolved
        cleared = wait_until(
            lambda: [a for a in alarms_of(api, staff, device) if a["cleared_at"]],
            30,
            "the alarm to clear",
        )
        assert cleared[0]["status"].startswith("cleared")

        # the resident is told, sees the reply with its photo, confirms and rates
        wait_until(
            lambda: [m for m in inbox(api, resident) if m["template"] == "workorder.resolved"],
            30,
            "the resident's notice that the case was resolved",
        )
        seen_by_resident = api.get(f"/api/v1/work-orders/{wo}", headers=resident)
        assert seen_by_resident.status_code == 200, seen_by_resident.text
        replies = [t for t in seen_by_resident.json()["timeline"] if t["action"] == "reply"]
        assert replies and replies[0]["attachment_ids"] == [upload.json()["id"]]
        step(api, resident, wo, "close")
        rated = step(api, resident, wo, "rate", rating=5, text="来得很快 Came quickly")
        assert rated["rating"] == 5 and rated["status"] == "closed"


def test_emergency_button_reaches_family_and_property_and_ack_stops_escalation(
    gateway_url: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin, staff, family = login("community_admin"), login("property_staff"), login("family")
    resident = login("resident")
    run = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home = home_of(api, resident)  # the family member lives in the same flat
        device, token = register_device(api, admin, f"e2e-sos-{run}", "emergency_button", home)
        # the community keeps her in the special-population register, with her plan
        # (一人一预案): her family and the property on duty are told when she calls
        elder = me(api, resident)
        registered = api.post(
            "/api/v1/special-persons",
            headers=admin,
            json={
                "community_id": home["community_id"],
                "building_id": home["building_id"],
                "unit_id": home["unit_id"],
                "room_id": home["room_id"],
                "household_id": home["household_id"],
                "person_ref": elder["person_id"],
                "name": "张伟",
                "category": "elderly_alone",
                "notify_household_ids": [home["household_id"]],
                "device_ids": [device],
                "plan": "Call the family, then the property on duty; key with the neighbour",
            },
        )
        assert registered.status_code == 201, registered.text
        family_stream = Stream(gateway_url, family).start()
        try:
            sent_at = time.monotonic()
            r = api.post(f"/api/v1/{token}/telemetry", json={"pressed": True, "location": "home"})
            assert r.status_code == 200 and r.json()["accepted"] == 2, r.text  # two keys
            [alarm] = wait_until(lambda: alarms_of(api, staff, device), 30, "the SOS alarm")
            assert alarm["severity"] == "critical"
            _, at = wait_until(
                lambda: family_stream.find("message", correlation_id=alarm["id"]),
                30,
                "the family member's message",
            )
            print(f"\nSOS press -> family member's stream {at - sent_at:.3f} s")
        finally:
            family_stream.stop()
        assert any(m["correlation_id"] == alarm["id"] for m in inbox(api, staff))

        acked = api.post(f"/api/v1/alarms/{alarm['id']}/ack", headers=staff, json={})
        assert acked.status_code == 200, acked.text
        assert acked.json()["status"] == "active_ack"
        detail = api.get(f"/api/v1/alarms/{alarm['id']}", headers=staff).json()
        stage = detail["escalation_stage"]
        # acknowledged: no later stage is reached, however long one waits past its delay
        time.sleep(3)
        assert (
            api.get(f"/api/v1/alarms/{alarm['id']}", headers=staff).json()["escalation_stage"]
            == stage
        )


def test_a_silent_water_tank_raises_an_offline_alarm_that_clears_when_it_reports(
    gateway_url: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin, staff, resident = login("community_admin"), login("property_staff"), login("resident")
    run = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home = home_of(api, resident)
        device, token = register_device(
            api, admin, f"e2e-tank-{run}", "water_tank", home, inactivity_timeout_s=10
        )
        r = api.post(f"/api/v1/{token}/telemetry", json={"waterLevel": 3.2, "pumpOn": False})
        assert r.status_code == 200, r.text

        offline = wait_until(
            lambda: [a for a in alarms_of(api, staff, device) if not a["cleared_at"]],
            120,
            "the offline alarm of the silent tank",
        )
        assert offline[0]["alarm_type"] == "device_offline"

        r = api.post(f"/api/v1/{token}/telemetry", json={"waterLevel": 3.1, "pumpOn": True})
        assert r.status_code == 200, r.text
        wait_until(
            lambda: [a for a in alarms_of(api, staff, device) if a["cleared_at"]],
            120,
            "the offline alarm to clear",
        )


SCHEMAS = Path(__file__).resolve().parents[1] / "contracts" / "generated" / "jsonschema"


def _all_alarm_events(bootstrap: str, wanted: set[str], cleared: str) -> list[Any]:
    """Every message on the alarms' topic until each wanted alarm has one and ``cleared``
    has its cleared event too (the outbox publishes each step a moment after it, and
    another worker's tests may be keeping the services busy)."""

    async def read() -> list[Any]:
        consumer = AIOKafkaConsumer(
            "alarm.events.v1",
            bootstrap_servers=bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        out: list[Any] = []
        try:
            for _ in range(360):  # up to three minutes: a bound, not a pace
                batches = await consumer.getmany(timeout_ms=500, max_records=1000)
                for messages in batches.values():
                    out.extend(messages)
                ids = {dict(m.headers).get("ce_subject", b"").decode() for m in out}
                keys = {m.key.decode() for m in out if m.key}
                closed = any(
                    m.key
                    and m.key.decode() == cleared
                    and dict(m.headers).get("ce_type") == b"community.alarm.cleared.v1"
                    for m in out
                )
                if wanted <= (ids | keys) and closed:
                    break
        finally:
            await consumer.stop()
        return out

    return asyncio.run(read())


def test_an_integrator_receives_every_alarm_as_a_valid_cloudevent(
    gateway_url: str,
    broker_bootstrap: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin, staff, resident = login("community_admin"), login("property_staff"), login("resident")
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home = home_of(api, resident)
        raised = api.post(
            "/api/v1/alarms",
            headers=staff,
            json={
                "alarm_type": "corridor_blocked",
                "severity": "minor",
                "title": f"消防通道堵塞 Fire lane blocked {uuid.uuid4().hex[:6]}",
                "community_id": home["community_id"],
                "building_id": home["building_id"],
            },
        )
        assert raised.status_code == 201, raised.text
        alarm_id = raised.json()["id"]
        cleared = api.post(f"/api/v1/alarms/{alarm_id}/clear", headers=staff, json={})
        assert cleared.status_code == 200, cleared.text

        def every_alarm() -> list[str]:
            r = api.get("/api/v1/alarms", headers=admin, params={"limit": 100})
            assert r.status_code == 200, r.text
            return [a["id"] for a in r.json()["items"]]

        known = set(wait_until(every_alarm, 10, "the alarms of the community"))
    assert alarm_id in known

    messages = _all_alarm_events(broker_bootstrap, known, cleared=alarm_id)
    by_alarm: dict[str, list[str]] = {}
    for m in messages:
        headers = {k: v.decode() for k, v in m.headers}
        assert headers["ce_specversion"] == "1.0"
        assert headers["content-type"].startswith("application/json")
        event_type = headers["ce_type"]
        assert headers["ce_dataschema"] == f"urn:smart-community:schema:{event_type}"
        schema = json.loads((SCHEMAS / f"{event_type}.json").read_text())
        data = json.loads(m.value)
        jsonschema.validate(data, schema)  # the committed contract, as the integrator has it
        assert m.key.decode() == data["alarm_id"]
        by_alarm.setdefault(data["alarm_id"], []).append(event_type)
    assert known <= set(by_alarm), known - set(by_alarm)
    assert by_alarm[alarm_id] == ["community.alarm.raised.v1", "community.alarm.cleared.v1"]
