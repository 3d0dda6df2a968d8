"""The safety registers: a resident never sees them; readers see what their role needs,
encrypted at rest; every read is audited; incidents are routed to departments and
counted; an alarm at a key place lists the nearest cameras."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from alarm_helpers import Devices, Harness, wait_for
from sc_core.auth import Grant


async def register_person(h: Harness, community: str) -> dict[str, Any]:
    body = {
        "community_id": community,
        "room_id": "r-1",
        "household_id": "h-1",
        "person_ref": "p-secret-ref",
        "name": "李大爷",
        "category": "community_correction",
        "responsible_user_ids": ["u-grid"],
        "plan": "Weekly visit by the grid worker",
        "emergency_contacts": [{"name": "李四", "phone": "13900000000"}],
    }
    r = await h.client.post("/api/v1/special-persons", json=body, headers=h.staff(community))
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_a_resident_never_sees_the_registers(harness: Harness, community: str) -> None:
    h = harness
    person = await register_person(h, community)
    incident = {
        "community_id": community,
        "incident_type": "dispute",
        "occurred_at": datetime.now(UTC).isoformat(),
        "title": "Neighbours quarrel",
        "description": "Names of the people involved",
    }
    r = await h.client.post("/api/v1/incidents", json=incident, headers=h.staff(community))
    assert r.status_code == 201
    resident = h.issuer.bearer(
        "res-1",
        grants=[Grant("resident", "household", "h-1"), Grant("family", "household", "h-1")],
    )
    for path in (
        "/api/v1/special-persons",
        f"/api/v1/special-persons/{person['id']}",
        "/api/v1/incidents",
        f"/api/v1/incidents/{r.json()['id']}",
        "/api/v1/key-places",
    ):
        got = await h.client.get(path, headers=resident)
        assert got.status_code in (403, 404), (path, got.status_code)
        assert "李大爷" not in got.text and "p-secret-ref" not in got.text
    body = {**incident, "title": "mine"}
    assert (
        await h.client.post("/api/v1/incidents", json=body, headers=resident)
    ).status_code == 403
    # staff of another community find nothing either
    stranger = h.staff("c-elsewhere")
    got = await h.client.get(f"/api/v1/special-persons/{person['id']}", headers=stranger)
    assert got.status_code == 404


async def test_readers_see_what_their_role_needs_and_reads_are_audited(
    harness: Harness, community: str
) -> None:
    h = harness
    person = await register_person(h, community)
    full = await h.client.get(
        f"/api/v1/special-persons/{person['id']}",
        headers=h.staff(community, "grid_worker", sub="u-grid"),
    )
    assert (
        full.json()["person_ref"] == "p-secret-ref"
        and "13900000000" in full.json()["emergency_contacts"]
    )
    manager = await h.client.get(
        "/api/v1/special-persons",
        params={"community_id": community},
        headers=h.staff(community, "property_manager", sub="u-pm"),
    )
    item = manager.json()["items"][0]
    assert item["name"] == "李大爷"
    assert item["person_ref"] != "p-secret-ref" and item["plan"] != person["plan"]
    assert "13900000000" not in manager.text
    stored = await h.sql("SELECT name, plan FROM special_persons WHERE id = :i", i=person["id"])
    assert "李大爷" not in stored[0][0] and "Weekly" not in stored[0][1]  # encrypted at rest
    audits = await h.published(h.settings.audit_topic)
    reads = [a for a in audits if a["action"] == "special_person.read"]
    assert {a["actor_id"] for a in reads} >= {"u-grid", "u-pm"}


async def test_incidents_departments_and_statistics(harness: Harness, community: str) -> None:
    h = harness
    base = datetime(2026, 3, 10, 4, tzinfo=UTC)
    ids = []
    for days, kind in ((0, "fire"), (1, "fire"), (40, "injury")):
        body = {
            "community_id": community,
            "incident_type": kind,
            "occurred_at": (base + timedelta(days=days)).isoformat(),
            "title": f"{kind} {days}",
        }
        r = await h.client.post("/api/v1/incidents", json=body, headers=h.staff(community))
        ids.append(r.json()["id"])
    r = await h.client.post(
        f"/api/v1/incidents/{ids[0]}/dispatches",
        json={"department": "fire"},
        headers=h.staff(community),
    )
    assert r.status_code == 201
    dispatch = r.json()["id"]
    r = await h.client.patch(
        f"/api/v1/incidents/{ids[0]}/dispatches/{dispatch}",
        json={"status": "done", "response": "Put out by the station at 05:10"},
        headers=h.staff(community, "police", sub="u-police"),
    )
    assert r.status_code == 200 and r.json()["status"] == "done"
    got = (await h.client.get(f"/api/v1/incidents/{ids[0]}", headers=h.staff(community))).json()
    assert [(d["department"], d["status"]) for d in got["dispatches"]] == [("fire", "done")]
    stats = await h.client.get(
        "/api/v1/incidents/stats",
        params={"since": "2026-01-01T00:00:00Z", "until": "2027-01-01T00:00:00Z"},
        headers=h.staff(community),
    )
    # an unknown time zone or a year beyond 2200 is the schema's 422 (issue 30)
    for bad_params in (
        {"since": "2026-01-01T00:00:00Z", "until": "2027-01-01T00:00:00Z", "timezone": "Mars/Base"},
        {"since": "2026-01-01T00:00:00Z", "until": "9999-01-01T00:00:00Z"},
    ):
        bad = await h.client.get(
            "/api/v1/incidents/stats", params=bad_params, headers=h.staff(community)
        )
        assert bad.status_code == 422, bad.text
        assert bad.json()["code"] == "request.validation_failed", bad.text
    assert stats.json()["rows"] == [
        {"period": "2026-03-01", "incident_type": "fire", "count": 2},
        {"period": "2026-04-01", "incident_type": "injury", "count": 1},
    ]
    # a record is corrected, audited, and never deleted
    r = await h.client.patch(
        f"/api/v1/incidents/{ids[2]}",
        json={"incident_type": "dispute", "measures": "Mediated by the grid worker"},
        headers=h.staff(community),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["incident_type"], r.json()["measures"]) == (
        "dispute",
        "Mediated by the grid worker",
    )
    assert r.json()["title"] == "injury 40"
    r = await h.client.patch(
        f"/api/v1/incidents/{ids[2]}", json={"source": "alarm"}, headers=h.staff(community)
    )
    assert r.status_code == 422 and r.json()["code"] == "incident.field_not_editable"
    r = await h.client.patch(
        f"/api/v1/incidents/{ids[2]}", json={"title": ""}, headers=h.staff(community)
    )
    assert r.status_code == 422
    r = await h.client.patch(
        f"/api/v1/incidents/{ids[2]}", json={"title": "x"}, headers=h.staff("elsewhere")
    )
    assert r.status_code in (403, 404)
    r = await h.client.delete(f"/api/v1/incidents/{ids[2]}", headers=h.staff(community))
    assert r.status_code == 405
    got = (await h.client.get(f"/api/v1/incidents/{ids[0]}", headers=h.staff(community))).json()
    assert got["incident_type"] == "fire"
    stats = await h.client.get(
        "/api/v1/incidents/stats",
        params={"since": "2026-01-01T00:00:00Z", "until": "2027-01-01T00:00:00Z"},
        headers=h.staff(community),
    )
    assert {"period": "2026-04-01", "incident_type": "dispute", "count": 1} in stats.json()["rows"]
    audited = await h.sql(
        "SELECT count(*) FROM event_outbox WHERE topic = :t AND convert_from(payload, 'UTF8')"
        " LIKE :like",
        t=h.settings.audit_topic,
        like=f'%"action":"incident.update"%{ids[2]}%',
    )
    assert audited[0][0] == 1


async def test_an_alarm_at_a_key_place_lists_the_nearest_cameras(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    smoke = f"smoke-{uuid.uuid4().hex[:6]}"
    place = {
        "community_id": community,
        "name": "Noodle shop",
        "kind": "nine_small",
        "lat": 31.2300,
        "lng": 121.4700,
        "device_ids": [smoke],
        "cameras": [
            {"device_id": "cam-far", "lat": 31.2330, "lng": 121.4700},
            {"device_id": "cam-near", "lat": 31.2301, "lng": 121.4700},
        ],
    }
    r = await h.client.post("/api/v1/key-places", json=place, headers=h.staff(community))
    assert r.status_code == 201, r.text
    await h.rule(
        community,
        alarm_type="smoke",
        severity="critical",
        kind="threshold",
        device_type="smoke_detector",
        conditions=[{"key": "smokeDetected", "op": "equals", "value": True}],
        actions=["open_work_order", "notify"],
        work_order_type="fire_check",
    )
    await devices.reading(smoke, "smoke_detector", {"smokeDetected": True})
    alarm = (await wait_for(lambda: h.alarms(community, alarm_type="smoke")))[0]
    detail = (
        await h.client.get(f"/api/v1/alarms/{alarm['id']}", headers=h.staff(community))
    ).json()
    assert [c["device_id"] for c in detail["nearest_cameras"]] == ["cam-near", "cam-far"]
    assert detail["nearest_cameras"][0]["distance_m"] < 20
    raised = [
        e
        for e in await h.published(h.settings.topic("alarm.events.v1"), "community.alarm.raised.v1")
        if e["alarm_id"] == alarm["id"]
    ]
    assert raised[0]["actions"] == ["open_work_order", "notify"]
    assert raised[0]["work_order_type"] == "fire_check"


async def test_staff_of_one_community_need_not_name_it(harness: Harness, community: str) -> None:
    """Issue 19 item 2: the community follows from the caller's one grant; a caller who
    keeps the registers of several is told which field to fill, in zh-CN first."""
    h = harness
    body = {"person_ref": "p-wang", "name": "王奶奶", "category": "elderly_alone"}
    r = await h.client.post("/api/v1/special-persons", json=body, headers=h.staff(community))
    assert r.status_code == 201, r.text
    assert r.json()["community_id"] == community
    two = h.issuer.bearer(
        "admin-2",
        grants=[
            Grant("community_admin", "community", community),
            Grant("community_admin", "community", "c-other"),
        ],
    )
    refused = await h.client.post("/api/v1/special-persons", json=body, headers=two)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "place.ambiguous"
    assert refused.json()["detail"].startswith("您可在多个地点办理，请在 community_id 中指明其一")
