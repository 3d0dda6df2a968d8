"""Who is told: escalation stages until someone acknowledges; a special-population
person's emergency notifies exactly the people in that person's plan (一人一预案)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from alarm_helpers import Devices, Harness, wait_for

REQUESTED = "community.notification.requested.v1"


async def requests_for(h: Harness, alarm_id: str) -> dict[str, dict[str, Any]]:
    events = await h.published(h.settings.topic("notification.requests.v1"), REQUESTED)
    return {e["request_id"]: e for e in events if e.get("correlation_id") == alarm_id}


async def test_escalation_goes_on_until_someone_acknowledges(
    harness: Harness, community: str
) -> None:
    h = harness
    plan = {
        "community_id": community,
        "name": "intrusions",
        "alarm_types": ["intrusion"],
        "min_severity": "minor",
        "stages": [
            {"after_s": 0, "user_ids": ["u-first"]},
            {"after_s": 2, "user_ids": ["u-second"], "roles": ["property_manager"]},
            {"after_s": 4, "user_ids": ["u-third"]},
        ],
    }
    r = await h.client.post("/api/v1/notification-plans", json=plan, headers=h.staff(community))
    assert r.status_code == 201, r.text

    async def manual(room: str) -> dict[str, Any]:
        body = {
            "alarm_type": "intrusion",
            "severity": "major",
            "title": f"Intrusion at {room}",
            "community_id": community,
            "room_id": room,
        }
        r = await h.client.post("/api/v1/alarms", json=body, headers=h.staff(community))
        assert r.status_code == 201, r.text
        return dict(r.json())

    ignored, handled = await manual("r-a"), await manual("r-b")
    r = await h.client.post(
        f"/api/v1/alarms/{handled['id']}/ack",
        headers=h.staff(community, "property_staff", sub="u-first"),
    )
    assert r.status_code == 200 and r.json()["status"] == "active_ack"

    async def second_stage() -> dict[str, dict[str, Any]] | None:
        found = await requests_for(h, ignored["id"])
        return found if f"alarm:{ignored['id']}:escalation:2" in found else None

    sent = await wait_for(second_stage, timeout=30)
    assert sent[f"alarm:{ignored['id']}:raised"]["recipients"]["user_ids"] == ["u-first"]
    stage1 = sent[f"alarm:{ignored['id']}:escalation:1"]
    assert stage1["template"] == "alarm.escalated" and stage1["variables"]["stage"] == "1"
    assert stage1["recipients"]["user_ids"] == ["u-second"]
    assert stage1["recipients"]["roles_in_scope"] == [
        {"role": "property_manager", "scope_type": "community", "scope_id": community}
    ]
    assert sent[f"alarm:{ignored['id']}:escalation:2"]["recipients"]["user_ids"] == ["u-third"]
    # the acknowledged one was due for stage 1 two seconds before stage 2 of the other
    # (never escalated; whom the plan's first stage told hear that it was acknowledged)
    assert list(await requests_for(h, handled["id"])) == [
        f"alarm:{handled['id']}:raised",
        f"alarm:{handled['id']}:acknowledged",
    ]
    detail = (
        await h.client.get(f"/api/v1/alarms/{ignored['id']}", headers=h.staff(community))
    ).json()
    assert detail["escalation_stage"] == 2
    assert [x["action"] for x in detail["history"]].count("escalated") == 2


async def test_special_person_emergency_tells_exactly_their_plan(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    button, stranger_button = f"btn-{uuid.uuid4().hex[:6]}", f"btn-{uuid.uuid4().hex[:6]}"
    person = {
        "community_id": community,
        "building_id": "b-3",
        "room_id": "r-1201",
        "household_id": "h-1201",
        "person_ref": str(uuid.uuid4()),
        "name": "王奶奶",
        "category": "elderly_alone",
        "responsible_user_ids": ["u-son", "u-grid-worker"],
        "notify_household_ids": ["h-son"],
        "device_ids": [button],
        "plan": "Call the son first; the key is with the neighbour in 1202.",
        "emergency_contacts": [{"name": "王小明", "phone": "13800000000"}],
    }
    r = await h.client.post("/api/v1/special-persons", json=person, headers=h.staff(community))
    assert r.status_code == 201, r.text
    now = datetime.now(UTC)
    for user, start, end in (
        ("u-on-duty", now - timedelta(hours=1), now + timedelta(hours=23)),
        ("u-yesterday", now - timedelta(hours=30), now - timedelta(hours=6)),
    ):
        shift = {
            "community_id": community,
            "user_id": user,
            "role": "property_staff",
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
        }
        r = await h.client.post("/api/v1/duty-roster", json=shift, headers=h.staff(community))
        assert r.status_code == 201, r.text
    # an instant with its offset and one without cannot be compared: a 422, never a 500
    naive = {**shift, "starts_at": (now - timedelta(hours=2)).replace(tzinfo=None).isoformat()}
    bad = await h.client.post("/api/v1/duty-roster", json=naive, headers=h.staff(community))
    assert bad.status_code == 422 and bad.json()["code"] == "request.validation_failed", bad.text
    bad = await h.client.patch(
        f"/api/v1/duty-roster/{r.json()['id']}",
        json={"ends_at": naive["starts_at"]},
        headers=h.staff(community),
    )
    assert bad.status_code == 422 and bad.json()["code"] == "request.validation_failed", bad.text
    plan = {
        "community_id": community,
        "name": "everything",
        "stages": [{"after_s": 0, "user_ids": ["u-plan-person"]}],
    }
    r = await h.client.post("/api/v1/notification-plans", json=plan, headers=h.staff(community))
    assert r.status_code == 201

    # the default rule (seeded by a migration): a pressed button is a critical alarm
    await devices.reading(button, "emergency_button", {"pressed": True}, room_id="r-1201")
    await devices.reading(stranger_button, "emergency_button", {"pressed": True})

    async def both() -> list[dict[str, Any]] | None:
        found = await h.alarms(community, alarm_type="emergency")
        return found if len(found) == 2 else None

    alarms = {a["originator_id"]: a for a in await wait_for(both)}
    theirs = alarms[button]
    assert theirs["severity"] == "critical" and theirs["actions"] == ["notify", "open_work_order"]
    sent = await wait_for(lambda: requests_for(h, theirs["id"]))
    request = sent[f"alarm:{theirs['id']}:raised"]
    assert request["recipients"] == {
        "user_ids": ["u-grid-worker", "u-on-duty", "u-son"],
        "household_ids": ["h-son"],
        "roles_in_scope": [],
    }
    assert request["severity"] == "critical" and request["template"] == "alarm.raised"
    # the message names the elder whose button it was (the readers know her), masked as
    # the privacy rules mask a name: the request is an event, and leaves by SMS and push
    assert request["variables"]["title"] == f"王**：{theirs['title']}"
    # a button of nobody in the register goes by the community's plan instead
    other = await wait_for(lambda: requests_for(h, alarms[stranger_button]["id"]))
    assert other[f"alarm:{alarms[stranger_button]['id']}:raised"]["recipients"]["user_ids"] == [
        "u-plan-person"
    ]
    # a critical alarm is recorded as an incident (6.1.1 b)
    r = await h.client.get(
        "/api/v1/incidents", params={"incident_type": "emergency"}, headers=h.staff(community)
    )
    assert {i["alarm_id"] for i in r.json()["items"]} == {a["id"] for a in alarms.values()}
