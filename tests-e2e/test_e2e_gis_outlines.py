"""Outlines of places through the whole stack (issue 25 item 4): identity's demo community,
grids and buildings have outlines; the gateway's GIS features answer them as polygons, in
WGS-84 as stored and moved vertex by vertex to GCJ-02; the big screen fills and names the
grids on its map and the buildings page says each outline's vertices."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in

from sc_core.geo import wgs84_to_gcj02


def features(gateway_url: str, headers: dict[str, str], crs: str) -> dict[str, Any]:
    with httpx.Client(base_url=gateway_url, timeout=60, headers=headers) as api:
        [community] = api.get("/api/v1/communities").json()["items"]
        params = {"community_id": community["id"], "layers": "places", "crs": crs}
        r = api.get("/api/v1/gis/features", params=params)
        assert r.status_code == 200, r.text
        return {
            "community": community,
            "buildings": api.get("/api/v1/buildings").json()["items"],
            "grids": api.get("/api/v1/grids").json()["items"],
            "features": {f["id"]: f for f in r.json()["features"]},
        }


@pytest.mark.exclusive("demo-grids")
def test_identity_outlines_are_the_maps_polygons_in_both_datums(
    gateway_url: str, login: Any
) -> None:
    admin = login("community_admin")
    wgs = features(gateway_url, admin, "wgs84")
    community = wgs["community"]
    assert community["outline"]["type"] == "Polygon"
    f = wgs["features"]
    assert f[f"community:{community['id']}"]["geometry"] == community["outline"]
    # the demo's grids and buildings have outlines (others a test adds may not)
    outlined = [g for g in wgs["grids"] if g["outline"]]
    assert {g["name"] for g in outlined} >= {"第1网格", "第2网格"}
    for grid in outlined:
        assert f[f"grid:{grid['id']}"]["geometry"] == grid["outline"]
        assert f[f"grid:{grid['id']}"]["properties"]["name"] == grid["name"]
    buildings = [b for b in wgs["buildings"] if b["outline"]]
    assert {b["name"] for b in buildings} >= {"1号楼", "2号楼"}
    for b in buildings:
        assert f[f"building:{b['id']}"]["geometry"] == b["outline"]
    gcj = features(gateway_url, admin, "gcj02")["features"]
    polygons = {k: v for k, v in f.items() if v["geometry"]["type"] == "Polygon"}
    assert len(polygons) >= 5
    for fid, feature in polygons.items():
        [ring] = feature["geometry"]["coordinates"]
        moved = gcj[fid]["geometry"]["coordinates"][0]
        assert moved == [pytest.approx(list(wgs84_to_gcj02(*p)), abs=1e-9) for p in ring]


def test_the_big_screen_fills_and_names_the_grids_and_the_pages_count_vertices(
    browser: Browser, gateway_url: str
) -> None:
    page = signed_in(browser, gateway_url, "community_admin", width=1920, height=1080)
    page.goto("/console/screen")
    expect(page.locator("[data-test=screen-map] path.outline-grid").first).to_be_attached()
    expect(page.locator("[data-test=screen-map] path.outline-community")).to_have_count(1)
    expect(page.locator("[data-test=screen-map] path.outline-building").first).to_be_attached()
    expect(page.get_by_test_id("screen-map")).to_contain_text("第1网格")
    expect(page.get_by_test_id("screen-map")).to_contain_text("第2网格")
    shot(page, "big-screen-outlines")
    page.goto("/console/register/places")
    table = page.get_by_test_id("list")
    expect(table).to_contain_text("1号楼")
    expect(table).to_contain_text("多边形，4 个顶点")
    page.goto("/console/register/grids")
    expect(page.get_by_test_id("list")).to_contain_text("多边形，4 个顶点")
    page.context.close()
