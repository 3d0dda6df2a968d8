"""A person's grade counts every place they lived, read in one statement per page
(``register.coverage``; ADR 0066 h-lid): a grid worker still reads the ID number of one
who moved out of her grid, lists mask it, and only the current residency is shown."""

from __future__ import annotations

from identity_kit import IdentityKit

ID_NUMBER = "110105199901010008"


async def test_a_past_residency_in_scope_decides_the_grade_and_only_the_current_shows(
    kit: IdentityKit,
) -> None:
    inside, outside = kit.ids["household1-2-201"], kit.ids["household2-2-302"]
    created = await kit.as_(
        "grid_worker",
        "POST",
        "/api/v1/persons",
        json={
            "name": "史迁",
            "household_id": str(inside),
            "relation": "tenant",
            "moved_in_on": "2023-03-01",
            "id_number": ID_NUMBER,
        },
    )
    assert created.status_code == 201, created.text
    person = created.json()["id"]
    out = await kit.as_(
        "community_admin",
        "POST",
        f"/api/v1/persons/{person}/move-out",
        json={"moved_out_on": "2025-02-28"},
    )
    assert out.status_code == 200, out.text
    moved = await kit.as_(
        "community_admin",
        "POST",
        f"/api/v1/persons/{person}/move-in",
        json={"household_id": str(outside), "relation": "tenant", "moved_in_on": "2025-03-01"},
    )
    assert moved.status_code == 200, moved.text

    # one person: her past residency is in the grid, so her grade shows the ID number
    one = await kit.as_("grid_worker", "GET", f"/api/v1/persons/{person}")
    assert one.status_code == 200, one.text
    assert one.json()["id_number"] == ID_NUMBER
    assert [r["household_id"] for r in one.json()["residencies"]] == [str(outside)]
    # property staff's grade never covers an ID number, whatever the history
    staff = await kit.as_("property_staff", "GET", f"/api/v1/persons/{person}")
    assert staff.json()["id_number"] == "110***********0008"

    # the grid's list of everyone who lived there finds her, masked, current home only
    listed = await kit.as_(
        "grid_worker", "GET", "/api/v1/persons", params={"current": "false", "name": "史迁"}
    )
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert item["id_number"] == "110***********0008"
    assert [r["household_id"] for r in item["residencies"]] == [str(outside)]
    # a name's beginning finds her; LIKE's wildcards in it are the characters themselves
    for name, found in (("史", 1), ("史_", 0), ("%迁", 0), ("史%", 0)):
        search = await kit.as_(
            "grid_worker", "GET", "/api/v1/persons", params={"current": "false", "name": name}
        )
        assert search.status_code == 200, search.text
        assert len(search.json()["items"]) == found, name
    # and she is no longer among the grid's current residents
    now = await kit.as_("grid_worker", "GET", "/api/v1/persons", params={"name": "史迁"})
    assert now.json()["items"] == []
