"""The special-population register as counts per building and category (the map's people
layer at the gateway): register readers only, in their scope, never a person."""

from __future__ import annotations

from alarm_helpers import Harness
from sc_core.auth import Grant


async def test_register_counts_by_building_for_register_readers_only(
    harness: Harness, community: str
) -> None:
    h = harness
    people = [
        ("b-1", "elderly_alone"),
        ("b-1", "elderly_alone"),
        ("b-1", "disabled"),
        ("b-2", "elderly_alone"),
        (None, "minor"),  # no building: in the totals, not on a building
    ]
    for i, (building, category) in enumerate(people):
        body = {
            "community_id": community,
            "building_id": building,
            "person_ref": f"p-{i}",
            "name": f"名字{i}",
            "category": category,
        }
        r = await h.client.post("/api/v1/special-persons", json=body, headers=h.staff(community))
        assert r.status_code == 201, r.text

    r = await h.client.get(
        "/api/v1/alarm-stats", params={"community_id": community}, headers=h.staff(community)
    )
    assert r.status_code == 200, r.text
    special = r.json()["special_persons"]
    assert special["registered_by_building"] == [
        {"building_id": "b-1", "category": "disabled", "count": 1},
        {"building_id": "b-1", "category": "elderly_alone", "count": 2},
        {"building_id": "b-2", "category": "elderly_alone", "count": 1},
    ]
    assert sum(c["count"] for c in special["registered"]) == 5
    assert "名字" not in r.text and "p-0" not in r.text

    # a grid worker keeping building b-2 only counts b-2
    grid = h.issuer.bearer("u-grid-b2", grants=[Grant("grid_worker", "building", "b-2")])
    r = await h.client.get("/api/v1/alarm-stats", params={"community_id": community}, headers=grid)
    assert r.status_code == 200, r.text
    assert r.json()["special_persons"]["registered_by_building"] == [
        {"building_id": "b-2", "category": "elderly_alone", "count": 1}
    ]

    # a resident reads alarms, never the register
    resident = h.resident("h-1")
    r = await h.client.get(
        "/api/v1/alarm-stats", params={"community_id": community}, headers=resident
    )
    assert r.status_code == 200, r.text
    assert r.json()["special_persons"] is None
