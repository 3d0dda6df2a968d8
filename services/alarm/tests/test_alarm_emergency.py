"""Emergency management: plans searchable by type, date and name; drills per year;
shelters and the nearest one; supplies residents can read; warnings to residents,
speakers and screens."""

from __future__ import annotations

import uuid
from typing import Any

from alarm_helpers import Devices, Harness, wait_for


async def post(h: Harness, path: str, community: str, **body: Any) -> dict[str, Any]:
    r = await h.client.post(
        path, json={"community_id": community, **body}, headers=h.staff(community)
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_plans_drills_and_risk_map(harness: Harness, community: str) -> None:
    h = harness
    await post(
        h,
        "/api/v1/emergency-plans",
        community,
        plan_type="fire",
        name="高层火灾预案",
        effective_on="2026-01-15",
        procedures="Evacuate by the stairs",
    )
    await post(
        h,
        "/api/v1/emergency-plans",
        community,
        plan_type="typhoon",
        name="Typhoon plan",
        effective_on="2025-06-01",
    )
    staff = h.staff(community, "property_staff")
    found = await h.client.get(
        "/api/v1/emergency-plans", params={"plan_type": "fire"}, headers=staff
    )
    assert [p["name"] for p in found.json()["items"]] == ["高层火灾预案"]
    found = await h.client.get(
        "/api/v1/emergency-plans",
        params={"name": "typh", "effective_to": "2025-12-31"},
        headers=staff,
    )
    assert [p["plan_type"] for p in found.json()["items"]] == ["typhoon"]
    for held_on in ("2026-03-01", "2026-09-01"):
        await post(
            h,
            "/api/v1/drills",
            community,
            title="Fire drill",
            drill_type="fire",
            held_on=held_on,
            participants=[{"user_id": "u-1"}, {"user_id": "u-2", "attended": False}],
        )
    r = await h.client.get("/api/v1/drills/compliance", params={"year": 2026}, headers=staff)
    assert r.json() == [
        {"community_id": community, "year": 2026, "drills": 2, "meets_requirement": True}
    ]
    await post(
        h,
        "/api/v1/risk-points",
        community,
        name="Old wiring",
        risk_type="fire",
        level="high",
        lat=31.2,
        lng=121.4,
    )
    r = await h.client.get("/api/v1/risk-points", headers=staff)
    assert [p["name"] for p in r.json()["items"]] == ["Old wiring"]
    resident = h.resident("h-1")
    assert (await h.client.get("/api/v1/emergency-plans", headers=resident)).status_code == 403


async def test_a_plan_s_contacts_teams_and_days_have_bounds(
    harness: Harness, community: str
) -> None:
    """Issue 30: a plan's contacts, teams and day, a drill's day have the bounds the schema
    states; within them a plan keeps what it was given."""
    h = harness
    teams = [{"name": "疏散组", "leader": "u-1", "members": [{"user_id": "u-2", "phone": "1"}]}]
    contacts = [{"name": "物业值班", "phone": "021-5555"}]
    plan = await post(h, "/api/v1/emergency-plans", community, plan_type="flood", name="防汛",
                      effective_on="2026-05-01", teams=teams, contacts=contacts)  # fmt: skip
    assert (plan["teams"], plan["contacts"]) == (teams, contacts)
    deep: dict[str, Any] = {"a": {"b": {"c": {"d": {"e": 1}}}}}
    for path, bad in (
        ("/api/v1/emergency-plans", {"effective_on": "9999-01-01"}),
        ("/api/v1/emergency-plans", {"teams": [deep]}),
        ("/api/v1/emergency-plans", {"contacts": [{f"k{i}": "v" for i in range(21)}]}),
        ("/api/v1/emergency-plans", {"contacts": [{"name": "x" * 501}]}),
        ("/api/v1/drills", {"held_on": "1899-12-31"}),
    ):
        good = (
            {"plan_type": "fire", "name": "Fire", "effective_on": "2026-01-01"}
            if path.endswith("plans")
            else {"title": "Drill", "drill_type": "fire", "held_on": "2026-04-01"}
        )
        r = await h.client.post(
            path, json={"community_id": community, **good, **bad}, headers=h.staff(community)
        )
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["code"] == "request.validation_failed", r.text


async def test_shelters_supplies_and_warnings(harness: Harness, community: str) -> None:
    h = harness
    await post(
        h, "/api/v1/shelters", community, name="School gym", capacity=800, lat=31.2300, lng=121.4700
    )
    await post(
        h, "/api/v1/shelters", community, name="Park", capacity=3000, lat=31.2500, lng=121.4700
    )
    resident = h.resident("h-1")
    r = await h.client.get(
        "/api/v1/shelters/nearest",
        params={"lat": 31.2310, "lng": 121.4700, "community_id": community},
        headers=resident,
    )
    assert [s["name"] for s in r.json()] == ["School gym", "Park"]
    assert r.json()[0]["distance_m"] < 200
    supply = await post(
        h,
        "/api/v1/supplies",
        community,
        name="Sandbags",
        category="flood",
        unit="bag",
        quantity=100,
        location="Basement B2",
    )
    r = await h.client.post(
        f"/api/v1/supplies/{supply['id']}/movements",
        json={"delta": -30, "reason": "Flood at gate 2"},
        headers=h.staff(community),
    )
    assert r.json()["quantity"] == 70
    r = await h.client.post(
        f"/api/v1/supplies/{supply['id']}/movements",
        json={"delta": -100, "reason": "too many"},
        headers=h.staff(community),
    )
    assert r.status_code == 409 and r.json()["code"] == "supply.insufficient_stock"
    seen = await h.client.get(
        "/api/v1/supplies", params={"community_id": community}, headers=resident
    )
    assert [(s["name"], s["quantity"], s["location"]) for s in seen.json()["items"]] == [
        ("Sandbags", 70, "Basement B2")
    ]
    unplaced = await h.client.get("/api/v1/supplies", headers=resident)  # no home known
    assert unplaced.status_code == 422, unplaced.text
    assert (unplaced.json()["code"], unplaced.json()["field"]) == ("place.required", "community_id")
    warning = await post(
        h,
        "/api/v1/emergency-warnings",
        community,
        title="Typhoon tonight",
        message="Stay indoors after 20:00",
        level="orange",
        building_ids=["b-1"],
    )
    requests = [
        e
        for e in await h.published(h.settings.topic("notification.requests.v1"))
        if e["request_id"] == f"warning:{warning['id']}"
    ]
    assert len(requests) == 1
    req = requests[0]
    assert req["template"] == "emergency.warning" and req["severity"] == "urgent"
    assert {"speaker", "screen"} <= set(req["channels"])
    assert {
        (r["role"], r["scope_type"], r["scope_id"]) for r in req["recipients"]["roles_in_scope"]
    } == {  # the residents of the building named (their grants are on its households)
        ("resident", "building", "b-1"),
        ("tenant", "building", "b-1"),
        ("family", "building", "b-1"),
    }
    assert req["community_id"] == community and req["variables"]["building_ids"] == "b-1"
    for bad in ([""], ["b" * 65]):  # found by the merged-OpenAPI fuzz: was a 500
        r = await h.client.post(
            "/api/v1/emergency-warnings",
            json={"community_id": community, "title": "t", "message": "m", "building_ids": bad},
            headers=h.staff(community),
        )
        assert r.status_code == 422, r.text


async def test_a_resident_reads_her_community_s_shelters_without_naming_it(
    harness: Harness, community: str, devices: Devices
) -> None:
    """Issue 19 item 2: the community follows from the household identity placed."""
    h = harness
    await post(h, "/api/v1/shelters", community, name="社区广场", capacity=500, lat=39.9, lng=116.4)
    household = f"h-{uuid.uuid4().hex[:8]}"
    await devices.household_placed(household, "b-9", "u-1", "r-101")
    resident = h.resident(household)

    async def shelters() -> list[str]:
        r = await h.client.get("/api/v1/shelters", headers=resident)
        return [s["name"] for s in r.json()["items"]] if r.status_code == 200 else []

    assert "社区广场" in await wait_for(shelters, timeout=300)
    nearest = await h.client.get(
        "/api/v1/shelters/nearest", params={"lat": 39.9, "lng": 116.4}, headers=resident
    )
    assert nearest.status_code == 200 and nearest.json()[0]["name"] == "社区广场"
