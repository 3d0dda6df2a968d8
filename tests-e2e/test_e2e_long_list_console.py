"""A list longer than the API counts, in the console (issue 28, ADR 0017's addendum): the
API stops counting at 1,000 rows (``total_exact: false``), so the console must neither show
a wrong number nor stop its pager at page 50. In a community of this test's own, a building's
floor plan adds 1,150 rooms in one call; the community's admin opens the rooms in the
console and reads "共 1,000+ 条" (and "1,000+ items" in English), pages past the count while
the API says another page follows, and on the last page reads the count the list's end
gives: 1,150. Every wait is bounded and generous and waits for a condition."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from conftest import DEMO_PASSWORD
from playwright.sync_api import Browser, Page, expect
from test_e2e_console import shot, signed_in

from e2e_kit import ok

UNITS, FLOORS, PER_FLOOR = ["1", "2"], 23, 25
ROOMS = len(UNITS) * FLOORS * PER_FLOOR  # 1,150: past the count's 1,000, not a page multiple


def _community_with_rooms(api: httpx.Client, admin: dict[str, str], run: str) -> str:
    """A community of 1,150 rooms and the username of its admin."""
    c = ok(
        api.post(
            "/api/v1/communities",
            headers=admin,
            json={"code": f"LL{run}", "name": f"长列表测试社区{run}", "address": "测试路9号"},
        )
    )
    b = ok(
        api.post(
            "/api/v1/buildings",
            headers=admin,
            json={
                "community_id": c["id"],
                "code": "1",
                "name": f"长列表{run}号楼",
                "floors": FLOORS,
            },
        )
    )
    plan = ok(
        api.post(
            f"/api/v1/buildings/{b['id']}/floor-plan",
            headers=admin,
            json={"units": UNITS, "rooms_per_floor": PER_FLOOR},
        )
    )
    assert plan["rooms_created"] == ROOMS
    grant = {"role": "community_admin", "scope_type": "community", "scope_id": c["id"]}
    account = ok(
        api.post(
            "/api/v1/accounts",
            headers=admin,
            json={
                "username": f"ll{run}admin",
                "display_name": f"长列表测试{run}",
                "password": DEMO_PASSWORD,
                "grants": [grant],
            },
        )
    )
    return str(account["username"])


def _rooms(page: Page) -> None:
    page.goto("/console/register/places")
    page.locator("#tab-rooms").click()


@pytest.mark.timeout(2700)  # the stack's start (20+ min under load), then 60 pages
def test_a_list_past_the_count_says_so_and_pages_to_its_end(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    with httpx.Client(base_url=gateway_url, timeout=60) as api:
        username = _community_with_rooms(api, login("platform_admin"), run)

    page = signed_in(browser, gateway_url, username)
    _rooms(page)
    total = page.get_by_test_id("list-total")
    rows = page.get_by_test_id("list").locator(".el-table__body-wrapper .el-table__row")
    active = page.locator(".el-pager li.is-active")
    forward = page.locator(".el-pagination .btn-next")
    expect(total).to_have_text("共 1,000+ 条")  # not "共 1000 条": the API stopped counting
    expect(rows).to_have_count(20)
    shot(page, "long-list")

    # the pager offers the counted 50 pages; on the 50th the API says more follows
    page.locator(".el-pager li").filter(has_text=re.compile(r"^50$")).click()
    expect(active).to_have_text("50")
    for number in range(51, ROOMS // 20 + 2):  # pages 51..58, one at a time
        expect(forward).to_be_enabled()  # the page before said another follows
        forward.click()
        expect(active).to_have_text(str(number))
        if number < ROOMS // 20 + 1:
            expect(rows).to_have_count(20)
            expect(total).to_have_text("共 1,000+ 条")
    # the last page: the list's end is known, so is its count
    expect(rows).to_have_count(ROOMS % 20)
    expect(total).to_have_text("共 1,150 条")
    expect(forward).to_be_disabled()
    shot(page, "long-list-end")

    page.evaluate("localStorage.setItem('sc-console-locale', 'en')")
    _rooms(page)
    expect(total).to_have_text("1,000+ items")
    expect(rows).to_have_count(20)
    page.context.close()
