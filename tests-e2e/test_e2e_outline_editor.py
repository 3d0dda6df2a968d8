"""Issue 25 item 4 in the console: a community admin draws a grid's outline on the grids
page's map (a click a vertex), sees a crossing shape refused in the server's words, undoes
and clears, draws a triangle, saves it by the grid's PATCH ``outline`` and reads its three
vertices in the list."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in


@pytest.mark.exclusive("demo-grids")
def test_a_community_admin_draws_a_grids_outline(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    admin = login("community_admin")
    name = f"测试网格{uuid.uuid4().hex[:4]}"
    with httpx.Client(base_url=gateway_url, timeout=60, headers=admin) as api:
        [community] = api.get("/api/v1/communities").json()["items"]
        made = api.post(
            "/api/v1/grids",
            json={
                "community_id": community["id"],
                "code": f"T{uuid.uuid4().hex[:6]}",
                "name": name,
            },
        )
        assert made.status_code == 201, made.text

    page = signed_in(browser, gateway_url, "community_admin")
    page.goto("/console/register/grids")
    row = page.get_by_test_id("list").locator("tr", has_text=name).first
    expect(row).to_contain_text("—")  # no outline yet
    row.get_by_test_id("draw-outline").click()
    drawing = page.get_by_test_id("outline-map")
    # the map takes clicks once it is drawn where the grid is (a map shown before its
    # centre had come dropped the first clicks: 2 of 4 vertices under a loaded CI)
    expect(drawing).to_have_attribute("data-ready", "true")
    for x, y in ((120, 100), (360, 320), (360, 100), (120, 320)):  # a bow tie
        drawing.click(position={"x": x, "y": y})
    expect(page.get_by_test_id("outline-count")).to_have_text("已画 4 个顶点")
    page.get_by_test_id("outline-save").click()
    expect(page.get_by_test_id("outline-refusal")).to_contain_text("轮廓的边不能相互交叉或接触")
    page.get_by_test_id("outline-undo").click()
    expect(page.get_by_test_id("outline-count")).to_have_text("已画 3 个顶点")
    page.get_by_test_id("outline-clear").click()
    expect(page.get_by_test_id("outline-count")).to_have_text("已画 0 个顶点")
    for x, y in ((150, 120), (400, 120), (270, 330)):  # a triangle
        drawing.click(position={"x": x, "y": y})
    shot(page, "outline-editor-triangle")
    page.get_by_test_id("outline-save").click()
    expect(drawing).to_be_hidden()
    expect(row).to_contain_text("多边形，3 个顶点")

    with httpx.Client(base_url=gateway_url, timeout=60, headers=admin) as api:
        grid = api.get(f"/api/v1/grids/{made.json()['id']}").json()
    [ring] = grid["outline"]["coordinates"]
    assert len(ring) == 4 and ring[0] == ring[-1]
    page.context.close()
