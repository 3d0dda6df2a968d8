"""A device that stops reporting goes offline, and comes back online on its next reading;
each change is a status event with the last activity time."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

from device_ingestion.status import sweep_offline
from di_helpers import Harness


async def status_events(harness: Harness, device_id: str) -> list[dict[str, Any]]:
    topic = harness.topic("device.status.v1")
    rows = await harness.sql(
        "SELECT payload FROM event_outbox WHERE topic = :t AND key = :k ORDER BY seq",
        t=topic,
        k=device_id,
    )
    return [json.loads(r.payload) for r in rows]


async def device_row(harness: Harness, device_id: str) -> Any:
    return (
        await harness.sql(
            "SELECT status, last_activity_at FROM devices WHERE id = :id", id=device_id
        )
    )[0]


async def wait_status(harness: Harness, device_id: str, status: str) -> Any:
    deadline = time.monotonic() + 30
    while True:
        row = await device_row(harness, device_id)
        if row.status == status or time.monotonic() > deadline:
            return row
        await asyncio.sleep(0.05)


async def test_device_goes_offline_after_its_timeout_and_back_online(
    harness: Harness, community: str
) -> None:
    device = await harness.create_device(community, "btn-1", "emergency_button")
    quick = await harness.create_device(
        community, "btn-2", "emergency_button", inactivity_timeout_s=60
    )
    url = f"/api/v1/{device['access_token']}/telemetry"
    quick_url = f"/api/v1/{quick['access_token']}/telemetry"
    assert (await harness.client.post(url, json={"pressed": False})).status_code == 200
    assert (await harness.client.post(quick_url, json={"pressed": False})).status_code == 200
    online = await wait_status(harness, device["id"], "online")
    assert online.status == "online"
    assert (await wait_status(harness, quick["id"], "online")).status == "online"
    seen_at = online.last_activity_at

    catalogue = harness.usecases.catalogue
    timeout = catalogue.types["emergency_button"].inactivity_timeout_s  # a day
    # just before the type's timeout only the device with its own 60 s timeout goes
    changes = await sweep_offline(
        harness.db, catalogue, now=seen_at + timedelta(seconds=timeout - 1)
    )
    assert [str(c.device_id) for c in changes] == [quick["id"]]
    assert (await device_row(harness, device["id"])).status == "online"
    changes = await sweep_offline(
        harness.db, catalogue, now=seen_at + timedelta(seconds=timeout + 1)
    )
    assert [str(c.device_id) for c in changes] == [device["id"]]
    offline = await device_row(harness, device["id"])
    assert offline.status == "offline" and offline.last_activity_at == seen_at
    listed = await harness.client.get(
        "/api/v1/devices",
        params={"status": "offline", "community_id": community},
        headers=harness.admin(community),
    )
    assert {d["name"] for d in listed.json()["items"]} == {"btn-1", "btn-2"}

    assert (await harness.client.post(url, json={"pressed": True})).status_code == 200
    back = await wait_status(harness, device["id"], "online")
    assert back.status == "online" and back.last_activity_at > seen_at

    events = await status_events(harness, device["id"])
    assert [e["status"] for e in events] == ["online", "offline", "online"]
    assert events[1]["last_activity_at"] is not None
    assert all(e["device_type"] == "emergency_button" for e in events)
    assert all(e["community_id"] == community for e in events)
