"""Outlines of places (轮廓, issue 25 item 4): the demo community, its grids and buildings
have them; those who may edit a place set, change and clear one; a bad polygon is refused
in the reader's words and changes nothing."""

from __future__ import annotations

from typing import Any

from identity_kit import IdentityKit

from sc_core.outline import rectangle

B1 = (116.4084, 39.9042)  # the demo's 1号楼


def square_with_hole() -> dict[str, Any]:
    shell = rectangle(*B1, 0.0004, 0.0002)["coordinates"][0]
    hole = rectangle(*B1, 0.0001, 0.00005)["coordinates"][0]
    return {"type": "Polygon", "coordinates": [shell, hole]}


async def test_the_demo_places_have_outlines_around_their_points(kit: IdentityKit) -> None:
    community = await kit.as_(
        "community_admin", "GET", f"/api/v1/communities/{kit.ids['community']}"
    )
    assert community.status_code == 200, community.text
    assert community.json()["outline"] == rectangle(116.4084, 39.9042, 0.0018, 0.0007)
    buildings = (await kit.as_("community_admin", "GET", "/api/v1/buildings")).json()["items"]
    for b in buildings:
        [ring] = b["outline"]["coordinates"]
        lngs, lats = [p[0] for p in ring], [p[1] for p in ring]
        assert min(lngs) < b["longitude"] < max(lngs) and min(lats) < b["latitude"] < max(lats)
    grids = (await kit.as_("grid_worker", "GET", "/api/v1/grids")).json()["items"]
    assert [g["outline"]["type"] for g in grids] == ["Polygon"]


async def test_an_admin_sets_changes_and_clears_a_building_outline(kit: IdentityKit) -> None:
    url = f"/api/v1/buildings/{kit.ids['building1']}"
    outline = square_with_hole()
    changed = await kit.as_("property_manager", "PATCH", url, json={"outline": outline})
    assert changed.status_code == 200, changed.text
    assert changed.json()["outline"] == outline
    assert (await kit.as_("grid_worker", "GET", url)).json()["outline"] == outline
    renamed = await kit.as_("community_admin", "PATCH", url, json={"name": "一号楼"})
    assert renamed.json()["outline"] == outline  # left out of a PATCH: unchanged
    cleared = await kit.as_("community_admin", "PATCH", url, json={"outline": None})
    assert cleared.json()["outline"] is None
    refused = await kit.as_("grid_worker", "PATCH", url, json={"outline": outline})
    assert refused.status_code == 403


async def test_a_grid_and_a_community_take_outlines_on_create_and_patch(kit: IdentityKit) -> None:
    outline = rectangle(116.41, 39.91, 0.001, 0.001)
    body = {"community_id": str(kit.ids["community"]), "code": "G9", "name": "第9网格"}
    created = await kit.as_(
        "community_admin", "POST", "/api/v1/grids", json={**body, "outline": outline}
    )
    assert created.status_code == 201, created.text
    assert created.json()["outline"] == outline
    moved = rectangle(116.411, 39.91, 0.001, 0.001)
    url = f"/api/v1/grids/{created.json()['id']}"
    assert (await kit.as_("community_admin", "PATCH", url, json={"outline": moved})).json()[
        "outline"
    ] == moved
    assert (await kit.as_("community_admin", "GET", url)).json()["outline"] == moved
    multi = {"type": "MultiPolygon", "coordinates": [outline["coordinates"], moved["coordinates"]]}
    new = {"code": "poly-1", "name": "两块地的社区", "outline": multi}
    community = await kit.as_("platform_admin", "POST", "/api/v1/communities", json=new)
    assert community.status_code == 201, community.text
    assert community.json()["outline"] == multi
    actions = [a["action"] for a in await kit.audit_actions()]
    assert {"grid.create", "grid.update", "community.create"} <= set(actions)


async def test_a_bad_polygon_is_refused_in_words_and_changes_nothing(kit: IdentityKit) -> None:
    url = f"/api/v1/buildings/{kit.ids['building2']}"
    before = (await kit.as_("community_admin", "GET", url)).json()["outline"]
    west, south, east, north = 116.409, 39.904, 116.410, 39.905
    bow_tie = [[west, south], [east, north], [east, south], [west, north], [west, south]]
    crossing = await kit.as_(
        "community_admin",
        "PATCH",
        url,
        json={"outline": {"type": "Polygon", "coordinates": [bow_tie]}},
    )
    assert crossing.status_code == 422
    problem = crossing.json()
    assert crossing.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "request.validation_failed"
    [error] = problem["errors"]
    assert error["field"] == "body.outline"
    assert error["type"] == "outline.self_intersecting"
    assert error["message"] == "轮廓的边不能相互交叉或接触"
    open_ring = {"type": "Polygon", "coordinates": [bow_tie[:-1] + [[west, 39.9045]]]}
    english = await kit.as_(
        "community_admin",
        "PATCH",
        url,
        json={"outline": open_ring},
        headers={"Accept-Language": "en"},
    )
    [error] = english.json()["errors"]
    assert error["type"] == "outline.ring_not_closed"
    assert error["message"] == "Each ring of an outline must end where it starts"
    far = {"type": "Polygon", "coordinates": [[[200.0, 0.0], [1.0, 0.0], [1.0, 1.0], [200.0, 0.0]]]}
    out_of_range = await kit.as_("community_admin", "PATCH", url, json={"outline": far})
    assert out_of_range.status_code == 422
    assert {e["type"] for e in out_of_range.json()["errors"]} == {"less_than_equal"}
    point = {"type": "Point", "coordinates": [116.409, 39.904]}
    not_a_polygon = await kit.as_("community_admin", "PATCH", url, json={"outline": point})
    assert not_a_polygon.status_code == 422
    assert (await kit.as_("community_admin", "GET", url)).json()["outline"] == before
