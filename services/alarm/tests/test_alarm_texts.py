"""What the people an alarm reaches read (issue 18): the place as people say it, from
identity's names (幸福里社区 3号楼2单元502室 / Room 502, Unit 2, Building 3, 幸福里社区);
the rule's title in the reader's language; an elder's emergency names the elder, masked
(王**), in every message that follows, not only the first. Never an id."""

from __future__ import annotations

import re
import uuid
from typing import Any

from alarm.demo import RULES
from alarm_helpers import Devices, Harness, wait_for

REQUESTED = "community.notification.requested.v1"
CJK = re.compile(r"[\u3400-\u9fff]")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
FLAT = ("幸福里社区 3号楼2单元502室", "Room 502, Unit 2, Building 3, 幸福里社区")


async def requests_for(h: Harness, alarm_id: str) -> dict[str, dict[str, Any]]:
    events = await h.published(h.settings.topic("notification.requests.v1"), REQUESTED)
    return {e["request_id"]: e for e in events if e.get("correlation_id") == alarm_id}


async def alarm_of(h: Harness, community: str, device: str, **params: Any) -> dict[str, Any]:
    async def found() -> list[dict[str, Any]]:
        return [a for a in await h.alarms(community, **params) if a["originator_id"] == device]

    return dict((await wait_for(found))[0])


async def named_flat(h: Harness, devices: Devices) -> tuple[str, dict[str, str]]:
    household = f"h-{uuid.uuid4().hex[:6]}"
    place = {"building_id": f"b-{uuid.uuid4().hex[:6]}", "unit_id": f"u-{uuid.uuid4().hex[:6]}",
             "room_id": f"r-{uuid.uuid4().hex[:6]}"}  # fmt: skip
    await devices.household_placed(
        household, place["building_id"], place["unit_id"], place["room_id"],
        community_name="幸福里社区", building_name="3号楼", unit_name="2单元", room_number="502",
    )  # fmt: skip

    async def projected() -> bool:
        rows = await h.sql(
            "SELECT count(*) FROM household_places WHERE household_id = :h AND room_number = '502'",
            h=household,
        )
        return int(rows[0][0]) == 1

    await wait_for(projected)
    return household, place


async def test_a_smoke_alarm_names_the_flat_and_the_rule_in_the_readers_language(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    household, place = await named_flat(h, devices)
    await h.rule(community, name="烟雾报警", name_en="Smoke alarm", alarm_type="smoke",
                 severity="critical", kind="threshold", device_type="smoke_detector",
                 conditions=[{"key": "smoke", "op": "equals", "value": True}],
                 actions=["notify"], title="检测到烟雾", title_en="Smoke detected")  # fmt: skip
    detector = f"smoke-{uuid.uuid4().hex[:6]}"
    await devices.reading(detector, "smoke_detector", {"smoke": True}, **place)
    alarm = await alarm_of(h, community, detector, alarm_type="smoke")
    assert alarm["household_id"] == household
    sent = await wait_for(lambda: requests_for(h, alarm["id"]))
    told = sent[f"alarm:{alarm['id']}:raised"]["variables"]
    assert (told["place"], told["place_en"]) == FLAT
    assert (told["title"], told["title_en"]) == ("检测到烟雾", "Smoke detected")
    assert not any(UUID.search(v) or v in place.values() for v in told.values()), told


async def test_an_elders_emergency_names_her_masked_in_every_message(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    household, place = await named_flat(h, devices)
    button = f"btn-{uuid.uuid4().hex[:6]}"
    person = {
        "community_id": community,
        "building_id": place["building_id"],
        "room_id": place["room_id"],
        "household_id": household,
        "person_ref": str(uuid.uuid4()),
        "name": "王秀英",
        "category": "elderly_alone",
        "responsible_user_ids": ["u-daughter"],
        "notify_household_ids": [household],
        "device_ids": [button],
        "family_may_acknowledge": True,
    }
    r = await h.client.post("/api/v1/special-persons", json=person, headers=h.staff(community))
    assert r.status_code == 201, r.text
    await devices.reading(button, "emergency_button", {"pressed": True}, **place)
    alarm = await alarm_of(h, community, button, alarm_type="emergency")
    await wait_for(lambda: requests_for(h, alarm["id"]))
    staff = h.staff(community, "property_staff", sub="u-staff")
    r = await h.client.post(f"/api/v1/alarms/{alarm['id']}/ack", headers=staff)
    assert r.status_code == 200, r.text
    r = await h.client.post(f"/api/v1/alarms/{alarm['id']}/clear", headers=staff)
    assert r.status_code == 200, r.text

    async def three() -> dict[str, dict[str, Any]] | None:
        found = await requests_for(h, alarm["id"])
        return found if f"alarm:{alarm['id']}:cleared" in found else None

    sent = await wait_for(three)
    for step in ("raised", "acknowledged", "cleared"):
        told = sent[f"alarm:{alarm['id']}:{step}"]["variables"]
        # the platform's default button rule reads in each language (migration 0008)
        assert told["title"] == "王**：紧急按钮被按下", (step, told)
        assert told["title_en"] == "王**: Emergency button pressed", (step, told)
        assert (told["place"], told["place_en"]) == FLAT, (step, told)
        assert "秀英" not in str(told)  # the name the register keeps encrypted stays there


async def test_the_demo_rules_read_in_zh_cn_and_en(
    harness: Harness, community: str, devices: Devices
) -> None:
    """make run's rules are named in zh-CN with English beside: a zh-CN reader never reads
    "Smoke detected (demo)", an English one reads it in English."""
    h = harness
    for rule in RULES:
        assert CJK.search(rule["name"]) and CJK.search(rule["title"]), rule
        assert not CJK.search(rule["name_en"] + rule["title_en"]), rule
        made = await h.rule(community, **rule)
        assert made["spec"]["title_en"] == rule["title_en"]
    _, place = await named_flat(h, devices)
    detector = f"smoke-{uuid.uuid4().hex[:6]}"
    await devices.reading(detector, "smoke_detector", {"smokeDetected": True}, **place)
    alarm = await alarm_of(h, community, detector, alarm_type="smoke")
    assert alarm["title"] == "检测到烟雾"
    sent = await wait_for(lambda: requests_for(h, alarm["id"]))
    told = sent[f"alarm:{alarm['id']}:raised"]["variables"]
    assert (told["title"], told["title_en"]) == ("检测到烟雾", "Smoke detected")
    assert (told["place"], told["place_en"]) == FLAT
