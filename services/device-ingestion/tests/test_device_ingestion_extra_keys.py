"""Keys a device type does not declare (issue 20 item 1): kept as unvalidated extra keys,
stored and queryable, on the telemetry event that alarm rules read; refused only when the
type is declared strict."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer
from device_ingestion.domain.catalogue import parse_catalogue
from device_ingestion.domain.readings import TimeWindow, parse_telemetry
from di_helpers import Harness

from sc_contracts.events import TelemetryRecordedV1

TYPES: dict[str, Any] = {
    "types": {
        "lax": {"keys": {"t": {"type": "number", "min": 0, "max": 10}}},
        "tight": {"strict": True, "keys": {"t": {"type": "number", "min": 0, "max": 10}}},
    }
}


def test_a_strict_type_refuses_undeclared_keys_and_others_keep_them() -> None:
    catalogue = parse_catalogue(TYPES)
    window = TimeWindow(now=datetime.now(UTC))
    payload = {
        "t": 5,
        "colour": "blue",
        "level": "0.3",
        "nested": {"a": 1},
        "x" * 65: 1,
        "a\x00b": 1,
        "nul": "a\x00b",
    }
    lax = parse_telemetry(payload, catalogue.types["lax"], window)
    assert lax.reports[0].values == {"t": 5, "colour": "blue", "level": 0.3}
    assert {(r.key, r.code) for r in lax.rejections} == {
        ("nested", "reading.wrong_type"),
        ("x" * 65, "reading.malformed"),
        ("a\x00b", "reading.malformed"),
        ("nul", "reading.wrong_type"),
    }
    tight = parse_telemetry(payload, catalogue.types["tight"], window)
    assert tight.reports[0].values == {"t": 5}
    assert {r.code for r in tight.rejections} == {"reading.unknown_key"}
    assert len(tight.rejections) == 6
    assert catalogue.types["lax"].strict is False


async def test_extra_keys_are_stored_queryable_marked_and_on_the_event(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "env-x1", "environment_sensor")
    response = await harness.client.post(
        f"/api/v1/{device['access_token']}/telemetry",
        json={"temperature": 21.5, "pm1": "7.5", "doorOpen": True, "firmware": "v2"},
    )
    assert response.json() == {"accepted": 4, "rejected": 0, "errors": []}
    assert await harness.wait_stored(4, device["id"]) == 4
    latest = await harness.client.get(
        f"/api/v1/devices/{device['id']}/latest", headers=harness.admin(community)
    )
    assert latest.status_code == 200
    got = {k: (v["value"], v["unvalidated"]) for k, v in latest.json().items()}
    assert got == {
        "temperature": (21.5, False),
        "pm1": (7.5, True),
        "doorOpen": (True, True),
        "firmware": ("v2", True),
    }
    # the telemetry event (what alarm rules evaluate) carries the extra keys
    mine = await events_of(harness, device["id"])
    assert [e.values for e in mine] == [
        {"temperature": 21.5, "pm1": 7.5, "doorOpen": True, "firmware": "v2"}
    ]
    types = await harness.client.get("/api/v1/device-types", headers=harness.admin(community))
    assert {t["name"]: t["strict"] for t in types.json()}["environment_sensor"] is False


async def events_of(harness: Harness, device_id: str) -> list[TelemetryRecordedV1]:
    """The device's events on the test's telemetry topic (waiting, bounded, for one)."""
    consumer = AIOKafkaConsumer(
        harness.topic("telemetry.readings.v1"),
        bootstrap_servers=harness.settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    found: list[TelemetryRecordedV1] = []
    try:
        deadline = time.monotonic() + 30
        while not found and time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    event = TelemetryRecordedV1.model_validate(json.loads(record.value))
                    if event.device_id == device_id:
                        found.append(event)
        return found
    finally:
        await consumer.stop()
