"""The HTTP device API with ThingsBoard's payload shapes, per-reading rejection, storage,
and roll-ups that equal the raw data recomputed, late readings included."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from device_ingestion.domain.buckets import bucket_start
from device_ingestion.ingest.passages import passages
from device_ingestion.ingest.storage import StoredEvent
from di_helpers import Harness

from sc_contracts.events import PassageRecordedV1

NOW = datetime.now(UTC).replace(microsecond=0)


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


async def test_thingsboard_payload_shapes_are_accepted_and_stored(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "env-1", "environment_sensor")
    url = f"/api/v1/{device['access_token']}/telemetry"
    # 1. {"key": value}: measured now
    one = await harness.client.post(url, json={"temperature": 21.5, "relativeHumidity": 0.41})
    assert one.status_code == 200
    assert one.json() == {"accepted": 2, "rejected": 0, "errors": []}
    # 2. {"ts": ms, "values": {...}}
    at = NOW - timedelta(minutes=10)
    two = await harness.client.post(url, json={"ts": ms(at), "values": {"temperature": 20.0}})
    assert two.json()["accepted"] == 1
    # 3. an array of both
    three = await harness.client.post(
        url,
        json=[
            {
                "ts": ms(at - timedelta(minutes=1)),
                "values": {"temperature": 19.5, "noiseLevel": 40},
            },
            {"illuminance": 300},
        ],
    )
    assert three.json()["accepted"] == 3
    assert await harness.wait_stored(6, device["id"]) == 6
    rows = await harness.sql(
        "SELECT key, ts, num FROM telemetry WHERE device_id = :d AND key = 'temperature' "
        "ORDER BY ts",
        d=device["id"],
    )
    assert [(r.ts, r.num) for r in rows[:2]] == [(at - timedelta(minutes=1), 19.5), (at, 20.0)]
    latest = await harness.sql(
        "SELECT key, num FROM telemetry_latest WHERE device_id = :d ORDER BY key", d=device["id"]
    )
    assert {r.key: r.num for r in latest}["temperature"] == 21.5  # newest ts wins


async def test_bad_readings_are_rejected_one_by_one_and_good_ones_kept(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "air-1", "air_quality_sensor")
    url = f"/api/v1/{device['access_token']}/telemetry"
    payload: list[Any] = [
        {"co2": 410, "so2": 12.5, "colour": "blue", "pm25": "high", "pm10": 99999},
        {"ts": ms(NOW + timedelta(days=2)), "values": {"co2": 500}},
        {"ts": "yesterday", "values": {"co2": 501}},
        "not an object",
        {"ts": ms(NOW - timedelta(seconds=5)), "values": {"cl2": 0.2, "o3": -1}},
    ]
    response = await harness.client.post(url, json=payload)
    assert response.status_code == 200
    body = response.json()
    # co2, so2, cl2, and "colour": a key the type does not declare, kept unvalidated
    assert body["accepted"] == 4
    got = {(e["index"], e.get("key"), e["code"]) for e in body["errors"]}
    assert got == {
        (0, "pm25", "reading.wrong_type"),
        (0, "pm10", "reading.out_of_range"),
        (1, "co2", "reading.bad_timestamp"),
        (2, "co2", "reading.bad_timestamp"),
        (3, None, "reading.malformed"),
        (4, "o3", "reading.out_of_range"),
    }
    assert body["rejected"] == 6
    assert all(e["detail"] for e in body["errors"])
    assert await harness.wait_stored(4, device["id"]) == 4
    metrics = (await harness.client.get("/metrics")).text
    assert 'telemetry_readings_total{outcome="reading.out_of_range",transport="http"}' in metrics


async def test_numbers_sent_as_strings_are_taken_as_numbers(
    harness: Harness, community: str
) -> None:
    """ThingsBoard accepts "0.3" for a number; so do we, checked like any number."""
    device = await harness.create_device(community, "air-s", "air_quality_sensor")
    url = f"/api/v1/{device['access_token']}/telemetry"
    payload = {"co2": "410", "so2": " 12.5 ", "pm10": "1e9", "pm25": "nan", "o3": "high"}
    body = (await harness.client.post(url, json=payload)).json()
    assert body["accepted"] == 2
    assert {(e["key"], e["code"]) for e in body["errors"]} == {
        ("pm10", "reading.out_of_range"),
        ("pm25", "reading.wrong_type"),
        ("o3", "reading.wrong_type"),
    }
    assert await harness.wait_stored(2, device["id"]) == 2
    rows = await harness.sql(
        "SELECT key, num FROM telemetry WHERE device_id = :d ORDER BY key", d=device["id"]
    )
    assert [(r.key, r.num) for r in rows] == [("co2", 410.0), ("so2", 12.5)]


async def test_gateway_batch_stores_every_good_reading_and_reports_every_bad_one(
    harness: Harness, community: str
) -> None:
    gateway = await harness.create_device(community, "gw-1", "edge_gateway")
    meters = [await harness.create_device(community, f"wm-{i}", "water_meter") for i in range(3)]
    other = await harness.create_device(f"{community}-x", "wm-0", "water_meter")
    batch = {
        "wm-0": [
            {"ts": ms(NOW - timedelta(minutes=2)), "values": {"totalWaterConsumption": 10.0}},
            {"ts": ms(NOW - timedelta(minutes=1)), "values": {"totalWaterConsumption": 10.5}},
        ],
        "wm-1": {"totalWaterConsumption": 3.25, "flow": -1, "valveOpen": "yes"},
        "wm-2": {"ts": ms(NOW), "values": {"totalWaterConsumption": 7, "leakDetected": False}},
        "wm-9": {"totalWaterConsumption": 1},
    }
    response = await harness.client.post(
        f"/api/v1/{gateway['access_token']}/telemetry/batch", json=batch
    )
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 5
    assert {(e["device"], e.get("key"), e["code"]) for e in body["errors"]} == {
        ("wm-1", "flow", "reading.out_of_range"),
        ("wm-1", "valveOpen", "reading.wrong_type"),
        ("wm-9", None, "device.unknown"),
    }
    stored = [await harness.wait_stored(n, m["id"]) for n, m in zip((2, 1, 2), meters, strict=True)]
    assert stored == [2, 1, 2]
    assert await harness.stored_rows(other["id"]) == 0  # same name, other community
    not_gateway = await harness.client.post(
        f"/api/v1/{meters[0]['access_token']}/telemetry/batch", json=batch
    )
    assert not_gateway.status_code == 403


async def test_unknown_token_and_bad_json_are_problems(harness: Harness, community: str) -> None:
    unknown = await harness.client.post("/api/v1/nobody/telemetry", json={"co2": 1})
    assert unknown.status_code == 401 and unknown.json()["code"] == "device.invalid_token"
    device = await harness.create_device(community, "door-1", "door_contact")
    bad = await harness.client.post(
        f"/api/v1/{device['access_token']}/telemetry",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert bad.status_code == 400 and bad.json()["code"] == "request.malformed_json"
    # the token is a credential: the problem's instance keeps its placeholder (issue 19, 9)
    assert bad.json()["instance"] == "/api/v1/{device_token}/telemetry"
    assert device["access_token"] not in bad.text
    assert unknown.json()["instance"] == "/api/v1/{device_token}/telemetry"


async def test_attributes_are_stored_and_read_back(harness: Harness, community: str) -> None:
    device = await harness.create_device(community, "lamp-9", "street_light")
    url = f"/api/v1/{device['access_token']}/attributes"
    posted = await harness.client.post(url, json={"firmwareVersion": "1.2.0", "model": "SL-3"})
    assert posted.status_code == 200
    read = await harness.client.get(url, params={"clientKeys": "firmwareVersion"})
    assert read.json() == {"client": {"firmwareVersion": "1.2.0"}, "shared": {}}


ROLLUP_RECOMPUTED = """
    SELECT device_id, key, p.period,
           (date_trunc(p.period, ts AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai')
               AS bucket,
           count(*) AS count, round(sum(coalesce(num, bool::int))::numeric, 6) AS sum,
           min(coalesce(num, bool::int)) AS min, max(coalesce(num, bool::int)) AS max
      FROM telemetry, (VALUES ('hour'), ('day'), ('month'), ('year')) AS p(period)
     WHERE device_id = :d AND (num IS NOT NULL OR bool IS NOT NULL)
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
"""
ROLLUP_STORED = """
    SELECT device_id, key, period, bucket, count, round(sum::numeric, 6) AS sum, min, max
      FROM telemetry_rollups WHERE device_id = :d ORDER BY 1, 2, 3, 4
"""


async def test_rollups_equal_the_raw_data_recomputed_after_late_readings(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "em-1", "electricity_meter")
    url = f"/api/v1/{device['access_token']}/telemetry"
    # half an hour before this month began in Shanghai: readings span a month boundary
    month = bucket_start(NOW, "month", ZoneInfo("Asia/Shanghai"))
    base = month - timedelta(minutes=30)
    first = [
        {
            "ts": ms(base + timedelta(minutes=20 * i)),
            "values": {"activePower": 1.0 + i, "relayOn": i % 2 == 0},
        }
        for i in range(6)
    ]
    assert (await harness.client.post(url, json=first)).json()["accepted"] == 12
    assert await harness.wait_stored(12, device["id"]) == 12
    assert await harness.sql(ROLLUP_STORED, d=device["id"]) == await harness.sql(
        ROLLUP_RECOMPUTED, d=device["id"]
    )
    # late readings land in buckets that already have roll-ups
    late = [
        {"ts": ms(base + timedelta(minutes=5)), "values": {"activePower": 0.5}},
        {"ts": ms(base + timedelta(minutes=95)), "values": {"activePower": 9.0}},
        {"ts": ms(base - timedelta(days=40)), "values": {"activePower": 2.0}},
    ]
    assert (await harness.client.post(url, json=late)).json()["accepted"] == 3
    assert await harness.wait_stored(15, device["id"]) == 15
    stored = await harness.sql(ROLLUP_STORED, d=device["id"])
    assert stored == await harness.sql(ROLLUP_RECOMPUTED, d=device["id"])
    days = {(r.key, r.bucket) for r in stored if r.period == "day"}
    assert ("activePower", month) in days
    assert ("activePower", month - timedelta(days=1)) in days
    # a redelivered batch changes nothing
    storage = harness.usecases.storage
    again = [StoredEvent(device["id"], base, {"activePower": 1.0}, NOW)]
    await storage.store(again)
    assert await harness.sql(ROLLUP_STORED, d=device["id"]) == stored


async def test_gate_passages_granted_or_refused_become_passage_events_once(
    harness: Harness, community: str
) -> None:
    gate = await harness.create_device(community, "gate-n", "gate")
    url = f"/api/v1/{gate['access_token']}/telemetry"
    at = NOW - timedelta(seconds=30)
    body = [
        {"ts": ms(at), "values": {"passageType": "face", "direction": "in", "faceId": "f-1"}},
        {
            "ts": ms(at + timedelta(seconds=1)),
            "values": {"passageType": "card", "credentialId": "c-9", "granted": False},
        },
        {
            "ts": ms(at + timedelta(seconds=2)),
            "values": {"passageType": "plate", "plateNumber": "沪A12345", "direction": "out"},
        },
    ]
    assert (await harness.client.post(url, json=body)).json()["accepted"] == 9
    assert await harness.wait_stored(9, gate["id"]) == 9
    storage = harness.usecases.storage
    await storage.store([StoredEvent(gate["id"], at, body[0]["values"], NOW, "gate", community)])
    rows = await harness.sql(
        "SELECT payload FROM event_outbox WHERE topic = :t ORDER BY seq",
        t=harness.topic("access.passages.v1"),
    )
    events = [
        json.loads(r.payload) for r in rows if json.loads(r.payload)["device_id"] == gate["id"]
    ]
    # every attempt, granted or refused (the card refused is a passage record too)
    assert [
        (e["method"], e["direction"], e["face_id"], e["card_no"], e["plate"], e["granted"])
        for e in events
    ] == [
        ("face", "in", "f-1", None, None, True),
        ("card", "unknown", None, "c-9", None, False),
        ("plate", "out", None, None, "沪A12345", True),
    ]
    assert events[0]["community_id"] == community
    assert events[0]["passage_id"] == f"{gate['id']}:{ms(at)}"
    # no door id registered: the gate device's own id
    assert {e["door_id"] for e in events} == {gate["id"]}


def test_a_gate_value_no_passage_event_can_hold_is_left_out() -> None:
    """A plate, card or face id longer than the passage contract allows (plate 16, card 64,
    face 128: identity's columns), or not text, is left out of the passage, which is still
    recorded and valid (issue 18 item 3: never a batch failing, nor a dead letter)."""
    at = NOW - timedelta(seconds=30)
    long = {"passageType": "plate", "plateNumber": "沪A" + "1" * 15, "faceId": "f" * 129}
    odd = {"passageType": "card", "credentialId": 12345678, "faceId": True}
    events = [
        StoredEvent("gate-1", at, long, NOW, "gate", "c-1"),
        StoredEvent("gate-1", at + timedelta(seconds=1), odd, NOW, "gate", "c-1"),
    ]
    rows = [("gate-1", "passageType", e.ts) for e in events]
    found = [PassageRecordedV1(**{**p, "door_id": "gate-1"}) for p in passages(events, rows)]
    assert [(p.method, p.plate, p.face_id, p.card_no) for p in found] == [
        ("plate", None, None, None),
        ("card", None, None, "12345678"),
    ]


async def test_a_gate_registered_with_a_door_id_names_that_door(
    harness: Harness, community: str
) -> None:
    admin = harness.admin(community)
    body = {"name": "gate-s", "device_type": "gate", "community_id": community,
            "door_id": "door-gate-south"}  # fmt: skip
    created = await harness.client.post("/api/v1/devices", json=body, headers=admin)
    assert created.status_code == 201, created.text
    gate = created.json()
    assert gate["door_id"] == "door-gate-south"
    url = f"/api/v1/{gate['access_token']}/telemetry"
    reading = {"ts": ms(NOW - timedelta(seconds=5)), "values": {"passageType": "qr"}}
    assert (await harness.client.post(url, json=reading)).json()["accepted"] == 1

    async def passages_of_gate() -> list[dict[str, Any]]:
        rows = await harness.sql(
            "SELECT payload FROM event_outbox WHERE topic = :t ORDER BY seq",
            t=harness.topic("access.passages.v1"),
        )
        found = [json.loads(r.payload) for r in rows]
        return [e for e in found if e["device_id"] == gate["id"]]

    for _ in range(300):
        events = await passages_of_gate()
        if events:
            break
        await asyncio.sleep(0.1)
    assert [(e["door_id"], e["method"]) for e in events] == [("door-gate-south", "qr")]
    # the door id can be changed later (a gate re-assigned)
    patched = await harness.client.patch(
        f"/api/v1/devices/{gate['id']}", json={"door_id": "door-gate-east"}, headers=admin
    )
    assert patched.json()["door_id"] == "door-gate-east"


def test_the_fast_event_body_is_the_event_data() -> None:
    """The publisher writes event bodies by hand (hot path); they are event_data's JSON."""
    import uuid as _uuid
    from datetime import UTC as _UTC
    from datetime import datetime as _dt

    from device_ingestion.domain.readings import Report
    from device_ingestion.ingest.directory import DeviceRef
    from device_ingestion.ingest.publisher import device_prefix, encode_body, event_data

    device = DeviceRef(_uuid.uuid4(), "m-1", "water_meter", 'c-"1', "b-1", None, "r-1", None)
    report = Report(_dt(2026, 1, 2, 3, 4, 5, 6000, tzinfo=_UTC), {"a": 1.5, "b": True, "c": "x"})
    received = _dt.now(_UTC)
    body = encode_body(device_prefix(device), report, json.dumps(received.isoformat()))
    assert json.loads(body) == event_data(device, report, received)
