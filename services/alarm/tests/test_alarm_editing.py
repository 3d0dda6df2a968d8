"""Emergency objects, register entries and plans can be corrected and removed by those who
keep them, in their places only, audited; a deleted rule clears the alarms it left
active."""

from __future__ import annotations

import uuid
from typing import Any

from alarm_helpers import Devices, Harness, wait_for
from sc_core.auth import Grant

AUDIT = "community.audit.recorded.v1"


async def post(h: Harness, path: str, community: str, **body: Any) -> dict[str, Any]:
    r = await h.client.post(
        path, json={"community_id": community, **body}, headers=h.staff(community)
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def audited(h: Harness, action: str, resource_id: str) -> bool:
    return any(
        e.get("action") == action and e.get("resource_id") == resource_id
        for e in await h.published(h.settings.audit_topic)
    )


async def test_emergency_objects_are_updated_and_deleted_in_scope(
    harness: Harness, community: str
) -> None:
    h = harness
    admin = h.staff(community)
    plan = await post(h, "/api/v1/emergency-plans", community, plan_type="flood",
                      name="Flood plan", effective_on="2026-03-01")  # fmt: skip
    r = await h.client.patch(
        f"/api/v1/emergency-plans/{plan['id']}",
        json={"name": "防汛预案 2026", "procedures": "Sandbags at the garage ramps"},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "防汛预案 2026" and r.json()["plan_type"] == "flood"
    found = await h.client.get("/api/v1/emergency-plans", params={"name": "防汛"}, headers=admin)
    assert [p["id"] for p in found.json()["items"]] == [plan["id"]]
    assert await audited(h, "emergency_plan.update", plan["id"])

    # a bad value, an unknown field, another community: refused, nothing changed
    bad = await h.client.patch(
        f"/api/v1/emergency-plans/{plan['id']}", json={"plan_type": "volcano"}, headers=admin
    )
    assert bad.status_code == 422 and bad.json()["code"] == "request.validation_failed"
    assert [e["field"] for e in bad.json()["errors"]] == ["body.plan_type"]
    # zh-CN, the default; the plan types are not listed as codes, they travel in ``allowed``
    assert bad.json()["errors"][0]["message"] == "不是允许的取值"
    assert "flood" in bad.json()["errors"][0]["allowed"]
    unknown = await h.client.patch(
        f"/api/v1/emergency-plans/{plan['id']}", json={"owner": "x"}, headers=admin
    )
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "emergency_plan.field_not_editable"
    # a correction's fields have the create's bounds (issue 30); one that may be empty is
    # emptied by null, the others may only be left out
    for bad_body, field in (
        ({"effective_on": "9999-01-01"}, "body.effective_on"),
        ({"name": "x" * 201}, "body.name"),
        ({"name": None}, "body.name"),
        ({"teams": [{"a": {"b": {"c": {"d": {"e": 1}}}}}]}, "body.teams.0"),
    ):
        bad = await h.client.patch(
            f"/api/v1/emergency-plans/{plan['id']}", json=bad_body, headers=admin
        )
        assert bad.status_code == 422 and bad.json()["code"] == "request.validation_failed"
        assert [e["field"] for e in bad.json()["errors"]] == [field], bad.text
    r = await h.client.patch(
        f"/api/v1/emergency-plans/{plan['id']}", json={"procedures": None}, headers=admin
    )
    assert r.status_code == 200, r.text
    assert (r.json()["procedures"], r.json()["name"]) == (None, "防汛预案 2026")
    moved = await h.client.patch(
        f"/api/v1/emergency-plans/{plan['id']}", json={"community_id": "c-other"}, headers=admin
    )
    assert moved.status_code == 403 and moved.json()["code"] == "auth.out_of_scope"
    outsider = h.staff(f"c-{uuid.uuid4().hex[:6]}")
    r = await h.client.delete(f"/api/v1/emergency-plans/{plan['id']}", headers=outsider)
    assert r.status_code == 403
    resident = h.issuer.bearer("res-1", grants=[Grant("resident", "household", "h-1")])
    r = await h.client.patch(
        f"/api/v1/emergency-plans/{plan['id']}", json={"name": "mine"}, headers=resident
    )
    assert r.status_code == 403

    # stock moves only by movements
    supply = await post(h, "/api/v1/supplies", community, name="Sandbags", category="flood",
                        unit="bag", quantity=200)  # fmt: skip
    r = await h.client.patch(
        f"/api/v1/supplies/{supply['id']}", json={"quantity": 5000}, headers=admin
    )
    assert r.status_code == 422 and r.json()["code"] == "supply.field_not_editable"
    r = await h.client.patch(
        f"/api/v1/supplies/{supply['id']}", json={"location": "Garage B2"}, headers=admin
    )
    assert r.status_code == 200 and r.json()["quantity"] == 200

    for path, body in (
        ("/api/v1/shelters", {"name": "Gym", "capacity": 300, "lat": 31.2, "lng": 121.4}),
        (
            "/api/v1/risk-points",
            {"name": "Slope", "risk_type": "landslide", "level": "high", "lat": 31.2, "lng": 121.4},
        ),
        (
            "/api/v1/drills",
            {"title": "Fire drill", "drill_type": "fire", "held_on": "2026-04-01"},
        ),
        (
            "/api/v1/emergency-plans",
            {"plan_type": "fire", "name": "Fire", "effective_on": "2026-01-01"},
        ),
    ):
        created = await post(h, path, community, **body)
        r = await h.client.delete(f"{path}/{created['id']}", headers=admin)
        assert r.status_code == 204, (path, r.text)
        listed = await h.client.get(path, params={"community_id": community}, headers=admin)
        assert created["id"] not in {x["id"] for x in listed.json()["items"]}
        again = await h.client.delete(f"{path}/{created['id']}", headers=admin)
        assert again.status_code == 404
    kind = "shelter"
    assert any(
        e.get("action") == f"{kind}.delete" for e in await h.published(h.settings.audit_topic)
    )


async def test_register_entries_and_plans_are_corrected_and_removed(
    harness: Harness, community: str
) -> None:
    h = harness
    person = await post(
        h,
        "/api/v1/special-persons",
        community,
        room_id="r-9",
        person_ref=str(uuid.uuid4()),
        name="周阿姨",
        category="disabled",
        responsible_user_ids=["u-a"],
        emergency_contacts=[{"name": "周", "phone": "1"}],
    )
    r = await h.client.patch(
        f"/api/v1/special-persons/{person['id']}",
        json={"responsible_user_ids": ["u-a", "u-b"], "plan": "Visit twice a week"},
        headers=h.staff(community),
    )
    assert r.status_code == 200, r.text
    assert r.json()["responsible_user_ids"] == ["u-a", "u-b"]
    r = await h.client.get(f"/api/v1/special-persons/{person['id']}", headers=h.staff(community))
    assert r.json()["plan"] == "Visit twice a week"
    assert "周" in r.json()["emergency_contacts"]  # the contacts kept as they were
    r = await h.client.delete(f"/api/v1/special-persons/{person['id']}", headers=h.staff(community))
    assert r.status_code == 204
    r = await h.client.get(f"/api/v1/special-persons/{person['id']}", headers=h.staff(community))
    assert r.status_code == 404

    plan = await post(h, "/api/v1/notification-plans", community, name="all",
                      stages=[{"after_s": 0, "user_ids": ["u-1"]}])  # fmt: skip
    r = await h.client.patch(
        f"/api/v1/notification-plans/{plan['id']}", json={"enabled": False},
        headers=h.staff(community),
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["enabled"] is False
    r = await h.client.delete(
        f"/api/v1/notification-plans/{plan['id']}", headers=h.staff(community)
    )
    assert r.status_code == 204


async def test_deleting_a_rule_clears_its_active_alarms(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    rule = await h.rule(
        community,
        alarm_type="overheat",
        kind="threshold",
        device_type="environment_sensor",
        conditions=[{"key": "temperature", "op": "above", "value": 40}],
        auto_clear=False,
    )
    device = f"d-{uuid.uuid4().hex[:6]}"
    await devices.reading(device, "environment_sensor", {"temperature": 55})

    async def raised() -> list[dict[str, Any]]:
        return await h.alarms(community, active="true")

    (alarm,) = await wait_for(raised)
    r = await h.client.delete(f"/api/v1/alarm-rules/{rule['id']}", headers=h.staff(community))
    assert r.status_code == 204
    detail = (
        await h.client.get(f"/api/v1/alarms/{alarm['id']}", headers=h.staff(community))
    ).json()
    assert detail["status"] == "cleared_unack"
    cleared = [x for x in detail["history"] if x["action"] == "cleared"]
    assert cleared[0]["detail"]["reason"] == "rule_deleted"
    events = [
        e
        for e in await h.published(h.settings.topic("alarm.events.v1"))
        if e["alarm_id"] == alarm["id"]
    ]
    assert [e["status"] for e in events] == ["active_unack", "cleared_unack"]
    # a reading after the deletion raises nothing
    await devices.reading(device, "environment_sensor", {"temperature": 60})
    assert await h.alarms(community, active="true") == []
