"""Social organisations and enterprises in the console (社会组织/企业, issue 24 item 4), on
the stack `make run` starts: in a community of this test's own, the community's office
registers an enterprise on the console's 社会组织/企业 page: a code with a wrong check
character is refused in words before anything is sent, the same code twice is refused in
the service's words, a good one is registered with its industry picked in words; it is
found by its industry section (门类), and not under another. A resident complains about
it through the API (the way the app does); work-orders opens the case; the office accepts
it and replies on the console, and the resident reads the reply. Every wait is bounded and
generous and waits for a condition; nothing sleeps."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from conftest import DEMO_PASSWORD
from playwright.sync_api import Browser, Page, expect
from test_e2e_console import shot, signed_in

from e2e_kit import ok, pick, token, wait_until

ORGS = "/api/v1/organisations"
GOOD = "91110105MA01ABCD13"
BAD = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")  # the check character wrong


def _community(api: httpx.Client, admin: dict[str, str], run: str) -> dict[str, Any]:
    """A community with one flat and its household; a committee member and the resident."""
    c = ok(
        api.post(
            "/api/v1/communities",
            headers=admin,
            json={"code": f"OG{run}", "name": f"组织测试社区{run}", "address": "测试路12号"},
        )
    )
    b = ok(
        api.post(
            "/api/v1/buildings",
            headers=admin,
            json={"community_id": c["id"], "code": "1", "name": f"组织{run}号楼", "floors": 6},
        )
    )
    u = ok(
        api.post(
            "/api/v1/units",
            headers=admin,
            json={"building_id": b["id"], "code": "1", "name": "1单元"},
        )
    )
    room = ok(
        api.post(
            "/api/v1/rooms", headers=admin, json={"unit_id": u["id"], "floor": 2, "code": "201"}
        )
    )
    household = ok(api.post("/api/v1/households", headers=admin, json={"room_id": room["id"]}))
    people: dict[str, Any] = {"community": c}
    for who, grants in (
        ("ca", [{"role": "community_admin", "scope_type": "community", "scope_id": c["id"]}]),
        ("res", [{"role": "resident", "scope_type": "household", "scope_id": household["id"]}]),
    ):
        people[who] = ok(
            api.post(
                "/api/v1/accounts",
                headers=admin,
                json={
                    "username": f"og{run}{who}",
                    "display_name": f"组织测试{who}",
                    "password": DEMO_PASSWORD,
                    "grants": grants,
                },
            )
        )
    return people


def _cancel(page: Page) -> None:
    page.locator(".el-dialog__footer:visible").get_by_role("button", name="取消").click()
    expect(page.get_by_test_id("org-save")).to_have_count(0)


def _register(page: Page, name: str, code: str) -> None:
    page.get_by_test_id("orgs-register").click()
    page.locator("[data-test=org-name]").fill(name)
    page.locator("[data-test=org-uscc]").fill(code)
    page.locator("[data-test=org-address]").fill("测试路12号底商")
    pick(page, page.locator("[data-test=org-industry] .el-select"), "零售业")
    page.get_by_test_id("org-save").click()


@pytest.mark.timeout(2700)  # the stack's start: 20+ minutes on a loaded machine
def test_the_office_registers_finds_by_section_and_handles_a_complaint_as_a_case(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    name = f"幸福便民超市{run}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        made = _community(api, login("platform_admin"), run)
        community = made["community"]["id"]
        office = token(api, made["ca"]["username"])
        resident = token(api, made["res"]["username"])

        page = signed_in(browser, gateway_url, made["ca"]["username"])
        expect(page.get_by_test_id("menu-organisations")).to_be_attached()
        page.goto("/console/gov/organisations")
        expect(page.locator("[data-test=orgs-community] .el-select")).to_contain_text(
            f"组织测试社区{run}"
        )

        # a wrong check character: refused in words before anything is sent
        page.get_by_test_id("orgs-register").click()
        page.locator("[data-test=org-uscc]").fill(BAD)
        page.locator("[data-test=org-name]").click()
        expect(page.locator(".el-form-item__error", has_text="校验位不正确")).to_be_visible()
        _cancel(page)

        _register(page, name, GOOD)
        table = page.get_by_test_id("orgs-table")
        row = table.locator(".el-table__row", has_text=name)
        expect(row).to_contain_text("批发和零售业 · 零售业")
        expect(row).to_contain_text("企业")
        # the same code again: the service's refusal, in its words
        _register(page, f"重复登记{run}", GOOD)
        expect(page.get_by_test_id("org-error")).to_contain_text("已在本社区登记")
        _cancel(page)

        # found by its 门类, and not under another
        pick(page, page.locator("[data-test=orgs-section] .el-select"), "教育")
        expect(table).not_to_contain_text(name)
        pick(page, page.locator("[data-test=orgs-section] .el-select"), "批发和零售业")
        expect(row).to_be_visible()
        shot(page, "organisations-found")

        # a resident's complaint through the API; work-orders opens its case
        org = ok(api.get(ORGS, headers=office, params={"community_id": community, "q": name}), 200)
        org_id = org["items"][0]["id"]

        def filed() -> dict[str, Any] | None:
            # gov-affairs learns the resident's household from identity's events
            r = api.post(
                f"{ORGS}/{org_id}/complaints",
                headers=resident,
                json={"summary": "夜间卸货噪音扰民"},
            )
            return None if r.status_code in (403, 429) else ok(r)

        complaint = wait_until(filed, 300, "the resident's household in gov-affairs")

        def with_case() -> dict[str, Any] | None:
            items = ok(api.get(f"{ORGS}/{org_id}/complaints", headers=office), 200)["items"]
            mine = [c for c in items if c["id"] == complaint["id"] and c["work_order_id"]]
            return mine[0] if mine else None

        wait_until(with_case, 300, "the complaint case opened by work-orders")

        # the office handles it as a case on the console: accept, then reply
        row.get_by_test_id("orgs-open").click()
        complaints = page.get_by_test_id("org-complaints")
        case = complaints.locator(".el-table__row", has_text="夜间卸货噪音扰民")
        page.get_by_test_id("org-complaints-refresh").click()
        expect(case).to_contain_text("已提交")
        case.get_by_test_id("org-complaint-accept").click()

        def shows(text: str) -> bool | None:
            page.get_by_test_id("org-complaints-refresh").click()
            return True if text in case.inner_text() else None

        wait_until(lambda: shows("已受理"), 120, "the accepted state from the case's events")
        case.get_by_test_id("org-complaint-reply-btn").click()
        page.locator(".el-message-box textarea").fill("已联系超市，夜间不再卸货。")
        page.locator(".el-message-box .el-button--primary").click()
        wait_until(lambda: shows("已联系超市，夜间不再卸货。"), 120, "the reply on the complaint")
        shot(page, "organisations-complaint-replied")

        def replied() -> dict[str, Any] | None:
            items = ok(api.get(f"{ORGS}/{org_id}/complaints", headers=resident), 200)["items"]
            return items[0] if items and items[0]["reply"] else None

        seen = wait_until(replied, 120, "the reply the resident reads")
        assert seen["reply"] == "已联系超市，夜间不再卸货。"
        assert seen["status_name"]["zh"] == "已受理"
        expect(page.locator("body")).not_to_contain_text("accepted")
