"""Migrants and residence permits in the console (流动人口与居住证, issue 23 item 4), on the
stack `make run` starts: in a community of this test's own, a street-office officer opens the
console's 流动人口与居住证 page and registers a person living here (居住登记). A mistyped ID
number is refused in words in the form before anything is sent; the corrected one registers
and the list shows the person masked. The desk accepts their residence-permit application
(居住证: a year here and stable employment), the officer issues it on the permits tab, and
the permit shows as in force with its end in words ("还有 N 天到期"); no ID number, enum value
or id is on the page. Every wait is bounded and generous and waits for a condition; nothing
sleeps."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from conftest import DEMO_PASSWORD
from playwright.sync_api import Browser, Page, expect
from test_e2e_console import shot, signed_in

from e2e_kit import ok, token

M = "/api/v1/migrants"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def _check(seventeen: str) -> str:
    """The GB 11643 check character of an identity number's first 17 digits."""
    return CHECK[sum(int(c) * w for c, w in zip(seventeen, WEIGHTS, strict=True)) % 11]


def _community(api: httpx.Client, admin: dict[str, str], run: str) -> dict[str, Any]:
    """A community with one flat, and a street-office officer (gov_officer) for it."""
    c = ok(
        api.post(
            "/api/v1/communities",
            headers=admin,
            json={"code": f"MG{run}", "name": f"流动人口测试社区{run}", "address": "测试路23号"},
        )
    )
    b = ok(
        api.post(
            "/api/v1/buildings",
            headers=admin,
            json={"community_id": c["id"], "code": "1", "name": f"流动{run}号楼", "floors": 6},
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
    officer = ok(
        api.post(
            "/api/v1/accounts",
            headers=admin,
            json={
                "username": f"mg{run}ok",
                "display_name": f"流动测试{run}",
                "password": DEMO_PASSWORD,
                "grants": [{"role": "gov_officer", "scope_type": "community", "scope_id": c["id"]}],
            },
        )
    )
    return {"community": c, "building": b, "unit": u, "room": room, "officer": officer}


def _place(page: Page, made: dict[str, Any]) -> None:
    """Pick the flat in the place cascader: community → building → unit, then the room."""
    page.locator("[data-test=migrant-place] .el-cascader").click()
    menus = page.locator(".el-cascader-menu:visible")
    for level, name in enumerate(
        (made["community"]["name"], made["building"]["name"], made["unit"]["name"])
    ):
        menus.nth(level).locator(".el-cascader-node", has_text=name).first.click()
    room = menus.nth(3).locator(".el-cascader-node", has_text="201").first
    room.locator(".el-radio").click()
    page.get_by_test_id("migrant-form").locator(".el-form-item__label").first.click()


@pytest.mark.timeout(2700)  # the stack's start: 20+ minutes on a loaded machine
def test_the_office_registers_a_migrant_and_issues_a_residence_permit(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    # 410105 (郑州市金水区), born 1990-03-dd, a sequence from the run: 17 digits and the check
    seventeen = f"4101051990030{int(run[:2]) % 9 + 1}{run[2:]}"
    good = seventeen + _check(seventeen)
    bad = seventeen + CHECK[(CHECK.index(_check(seventeen)) + 1) % 11]  # a wrong check
    name = "赵秀梅"
    moved_in = (date.today() - timedelta(days=400)).isoformat()  # more than half a year
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        made = _community(api, login("platform_admin"), run)
        community = made["community"]["id"]
        office = token(api, made["officer"]["username"])

        page = signed_in(browser, gateway_url, made["officer"]["username"])
        expect(page.get_by_test_id("menu-migrants")).to_be_attached()
        page.goto("/console/gov/migrants")
        registrations = page.get_by_test_id("migrant-registrations")
        expect(registrations.get_by_test_id("list")).to_contain_text("暂无")  # none yet

        # 居住登记: a mistyped ID number is refused in words before anything is sent
        page.get_by_test_id("migrant-register").click()
        form = page.get_by_test_id("migrant-form")
        _place(page, made)
        page.locator("[data-test=migrant-name]").fill(name)
        page.locator("[data-test=migrant-id-number]").fill(bad)
        page.locator("[data-test=migrant-origin]").fill("410105")
        page.locator("[data-test=migrant-employer]").fill("金水物流有限公司")
        moved = page.locator("[data-test=migrant-moved-in] input")
        moved.fill(moved_in)
        moved.press("Enter")
        form.locator(".el-form-item__label").first.click()  # the picker closed
        page.get_by_test_id("migrant-save").click()
        expect(form).to_contain_text("身份证号码校验位不正确，请核对")
        listed = ok(
            api.get(M + "/registrations", headers=office, params={"community_id": community}), 200
        )
        assert listed["total"] == 0  # nothing was sent

        page.locator("[data-test=migrant-id-number]").fill(good)
        page.get_by_test_id("migrant-save").click()
        expect(page.locator(".el-message--success", has_text="已登记居住")).to_be_visible()
        row = registrations.locator(".el-table__row", has_text="赵*梅")
        expect(row).to_contain_text("务工")
        expect(row).to_contain_text("未申领")
        expect(page.locator("body")).not_to_contain_text(good)
        expect(page.locator("body")).not_to_contain_text(name)

        # the desk accepts the permit application: a year here and stable employment
        row.get_by_test_id("migrant-apply").click()
        page.locator("[data-test=migrant-employed]").click()
        page.get_by_test_id("migrant-step-save").click()
        expect(page.locator(".el-message--success", has_text="居住证申请已受理")).to_be_visible()
        expect(row).to_contain_text("已受理")

        # the permits tab: issued by the officer, then in force with its end in words
        page.get_by_role("tab", name="居住证", exact=True).click()
        permits = page.get_by_test_id("migrant-permits")
        prow = permits.locator(".el-table__row", has_text="赵*梅")
        expect(prow).to_contain_text("待签发")
        prow.get_by_test_id("permit-issue").click()
        expect(page.locator(".el-message--success", has_text="居住证已签发")).to_be_visible()
        [permit] = ok(
            api.get(M + "/permits", headers=office, params={"community_id": community}), 200
        )["items"]
        assert permit["status"] == "issued" and permit["number"]
        china_today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        days = (date.fromisoformat(permit["valid_until"]) - china_today).days
        assert days > 300  # a year from today
        expect(prow).to_contain_text("有效")
        expect(prow).to_contain_text(permit["number"])
        expect(prow.get_by_test_id("permit-expiry")).to_have_text(f"还有 {days} 天到期")
        expect(prow.get_by_test_id("permit-endorse")).to_be_visible()
        body = page.locator("body")
        for hidden in (good, name, "issued", "applied", permit["id"], community):
            expect(body).not_to_contain_text(hidden)
        shot(page, "gov-migrants")

        # back on the registrations, the person's permit is in force, its end in words
        page.get_by_role("tab", name="居住登记", exact=True).click()
        in_force = row.locator("[data-test=migrant-permit]")
        expect(in_force.locator(".el-tag")).to_have_text("有效")
        expect(in_force).to_contain_text(f"还有 {days} 天到期")
        page.context.close()
