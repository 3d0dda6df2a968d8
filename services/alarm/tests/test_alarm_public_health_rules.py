"""Public health (6.1.1 d): an edge AI camera's no-mask and fever detections raise alarms by
the platform's default rules (migration 0009), named in the reader's language; a normal
temperature raises nothing."""

from __future__ import annotations

import uuid
from typing import Any

from alarm_helpers import Devices, Harness, wait_for


async def test_a_cameras_detections_raise_alarms_by_the_default_rules(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    camera = f"cam-{uuid.uuid4().hex[:6]}"
    # one key, one partition: the normal reading is evaluated before the fever
    await devices.reading(camera, "edge_ai_camera", {"bodyTemperature": 36.6}, building_id="b-1")
    await devices.reading(camera, "edge_ai_camera", {"noMask": True}, building_id="b-1")
    await devices.reading(camera, "edge_ai_camera", {"bodyTemperature": 38.2}, building_id="b-1")

    async def both() -> dict[str, dict[str, Any]] | None:
        found = {
            a["alarm_type"]: a for a in await h.alarms(community) if a["originator_id"] == camera
        }
        return found if {"no_mask", "fever"} <= set(found) else None

    found = await wait_for(both)
    fever, no_mask = found["fever"], found["no_mask"]
    assert fever["severity"] == "major" and fever["count"] == 1 and fever["building_id"] == "b-1"
    assert no_mask["severity"] == "warning" and no_mask["actions"] == ["notify"]
    assert fever["title"] == "检测到体温异常（发热）" and no_mask["title"] == "检测到未佩戴口罩"
