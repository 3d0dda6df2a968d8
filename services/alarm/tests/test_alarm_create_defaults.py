"""Issue 19 item 2, for every kind of create route of alarm: ``community_id`` may be left
out when the caller writes in one community (their grants, a grid worker's grid through
the place directory); several: 422 ``place.ambiguous`` naming the field and the
communities by name; none (a platform admin): 422 ``place.required`` naming the field."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from alarm_helpers import Devices, Harness, wait_for
from sc_core.auth import Grant

# one body per create route, without community_id
BODIES: dict[str, dict[str, Any]] = {
    "/api/v1/emergency-plans": {
        "plan_type": "fire",
        "name": "高层火灾预案",
        "effective_on": "2026-01-15",
    },
    "/api/v1/risk-points": {
        "name": "老旧电线",
        "risk_type": "fire",
        "level": "high",
        "lat": 31.2,
        "lng": 121.4,
    },
    "/api/v1/drills": {"title": "消防演练", "drill_type": "fire", "held_on": "2026-03-01"},
    "/api/v1/shelters": {"name": "社区广场", "capacity": 500, "lat": 31.23, "lng": 121.47},
    "/api/v1/supplies": {"name": "沙袋", "category": "flood", "unit": "袋", "quantity": 100},
    "/api/v1/emergency-warnings": {"title": "台风预警", "message": "今晚八点后请勿外出"},
    "/api/v1/incidents": {
        "incident_type": "fire",
        "occurred_at": "2026-11-30T08:00:00+08:00",
        "title": "楼道冒烟",
    },
    "/api/v1/key-places": {"name": "小餐馆", "kind": "nine_small", "lat": 31.2, "lng": 121.5},
    "/api/v1/notification-plans": {
        "name": "火警通知",
        "stages": [{"after_s": 0, "roles": ["property_staff"]}],
    },
    "/api/v1/duty-roster": {
        "user_id": "u-duty",
        "role": "property_staff",
        "starts_at": "2026-12-01T08:00:00+08:00",
        "ends_at": "2026-12-01T20:00:00+08:00",
    },
    "/api/v1/department-officers": {"department": "fire", "user_id": "u-fire"},
    "/api/v1/special-persons": {
        "person_ref": "p-wang",
        "name": "王奶奶",
        "category": "elderly_alone",
    },
}


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


async def named(h: Harness, devices: Devices, name: str, grid_id: str | None = None) -> str:
    """A flat placed by identity in ``devices.community`` (named ``name``); its building."""
    household, building = _id("h"), _id("b")
    await devices.household_placed(
        household, building, _id("u"), _id("r"), grid_id=grid_id, community_name=name
    )

    async def projected() -> bool:
        rows = await h.sql(
            "SELECT count(*) FROM household_places WHERE household_id = :h", h=household
        )
        grids = await h.sql(
            "SELECT count(*) FROM building_grids WHERE building_id = :b", b=building
        )
        return int(rows[0][0]) == 1 and (grid_id is None or int(grids[0][0]) == 1)

    await wait_for(projected, timeout=300, what=f"the placement of {household}")
    return building


@pytest.mark.parametrize("path", sorted(BODIES))
async def test_a_create_route_finds_the_community_from_the_grants(
    harness: Harness, community: str, devices: Devices, path: str
) -> None:
    h = harness
    await named(h, devices, "幸福里社区")
    # one community: the record lies there
    r = await h.client.post(path, json=BODIES[path], headers=h.staff(community))
    assert r.status_code == 201, r.text
    assert r.json()["community_id"] == community
    # two communities: the field and the communities by name, never by id
    two = h.issuer.bearer(
        _id("admin-two"),
        grants=[
            Grant("community_admin", "community", community),
            Grant("community_admin", "community", f"{community}-b"),
        ],
    )
    r = await h.client.post(path, json=BODIES[path], headers=two)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert (problem["code"], problem["field"], problem["choices"]) == (
        "place.ambiguous",
        "community_id",
        sorted([community, f"{community}-b"]),
    )
    assert problem["detail"] == (
        "您可在多个地点办理，请在 community_id 中指明其一：幸福里社区，及另外 1 处"
    )
    assert community not in problem["detail"]
    # naming one of them is enough (another officer: the roster names one only once)
    named_one = {**BODIES[path], "community_id": community}
    if "user_id" in named_one:
        named_one["user_id"] = _id("u")
    r = await h.client.post(path, json=named_one, headers=two)
    assert r.status_code == 201, r.text
    assert r.json()["community_id"] == community


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/emergency-plans",
        "/api/v1/emergency-warnings",
        "/api/v1/notification-plans",
        "/api/v1/department-officers",
    ],
)
async def test_a_platform_admin_names_the_community(harness: Harness, path: str) -> None:
    admin = harness.issuer.bearer(_id("root"), grants=[Grant("platform_admin", "platform", "*")])
    r = await harness.client.post(path, json=BODIES[path], headers=admin)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert (problem["code"], problem["field"]) == ("place.required", "community_id")
    assert problem["detail"] == "请在 community_id 中指明地点：无法从您的账号推断"


async def test_a_grid_worker_writes_in_the_community_of_their_grid(
    harness: Harness, community: str, devices: Devices
) -> None:
    h = harness
    grid = _id("g")
    building = await named(h, devices, "幸福里社区", grid_id=grid)
    worker = h.issuer.bearer(_id("u-grid"), grants=[Grant("grid_worker", "grid", grid)])
    for path in ("/api/v1/key-places", "/api/v1/incidents", "/api/v1/special-persons"):
        body = {**BODIES[path], "building_id": building}
        r = await h.client.post(path, json=body, headers=worker)
        assert r.status_code == 201, (path, r.text)
        assert (r.json()["community_id"], r.json()["building_id"]) == (community, building)


async def test_a_replaced_plan_stays_in_its_community(harness: Harness, community: str) -> None:
    h = harness
    staff = h.staff(community)
    path = "/api/v1/notification-plans"
    r = await h.client.post(path, json=BODIES[path], headers=staff)
    assert r.status_code == 201, r.text
    plan = r.json()
    replaced = {**BODIES[path], "name": "火警通知（夜间）"}
    r = await h.client.put(f"{path}/{plan['id']}", json=replaced, headers=staff)
    assert r.status_code == 200, r.text
    assert (r.json()["community_id"], r.json()["name"]) == (community, "火警通知（夜间）")
    # a correction cannot empty the community
    r = await h.client.patch(f"{path}/{plan['id']}", json={"community_id": None}, headers=staff)
    assert r.status_code == 422, r.text
