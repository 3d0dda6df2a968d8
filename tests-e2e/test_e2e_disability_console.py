"""The disability register (残疾人证) and assistive devices (辅助器具) in the console (issue 23
item 3), on the stack `make run` starts: in a community of this test's own, the community
office registers a resident's certificate on the console's 残疾人证登记 page (shown masked,
category and grade in words), reveals its number for a stated purpose (the audit hint on the
dialog, the read in the audit trail with that purpose); the resident applies for a wheelchair
on the console's 辅助器具 page; the office approves it and issues it for good; the resident
sees it issued and the counts show it. Every wait is bounded and generous; nothing sleeps."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Browser, Locator, Page, expect
from test_e2e_console import shot, signed_in
from test_e2e_gov_console import _community

from e2e_kit import ok, token, wait_until
from sc_core.validators import id_number_check_char

DEVICES = "/api/v1/welfare/disability/devices"


def _id_number(run: str) -> str:
    first = f"110105196007{int(run[:2]) % 28 + 1:02d}{run[2:5]}"  # born in July 1960
    return first + id_number_check_char(first)


def _shown(day: date) -> str:
    """A day as the console shows it in zh-CN (2031/12/3)."""
    return f"{day.year}/{day.month}/{day.day}"


def field(page: Page | Locator, test_id: str, tag: str) -> Locator:
    """The text box of an Element Plus input: ``el-input`` hands its attributes (the test
    id too) to its inner ``<input>``/``<textarea>``, other components keep them on a wrapper."""
    return page.locator(f'{tag}[data-test="{test_id}"], [data-test="{test_id}"] {tag}').first


def _pick(page: Page, select_test_id: str, option: str) -> None:
    page.get_by_test_id(select_test_id).click()
    page.locator(".el-select-dropdown__item:visible", has_text=option).first.click()


def test_the_office_registers_and_reveals_a_certificate_and_issues_a_device(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    id_number = _id_number(run)
    number = f"{id_number}41"  # physical (肢体残疾), grade 1 (一级)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the service's day
    valid_until = today + timedelta(days=5 * 365)
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        admin = login("platform_admin")
        made = _community(api, admin, run)
        community = made["community"]["id"]
        resident = token(api, made["res"]["username"])

        def place_known() -> bool:
            # gov-affairs learns the household's place from identity's events; until then
            # an application is refused as disability.place_unknown
            r = api.post(
                DEVICES,
                headers=resident,
                json={"certificate_number": number, "device_type": "walker", "reason": "探测"},
            )
            assert r.status_code in (409, 422, 429), r.text
            return r.json().get("code") == "disability.not_registered"

        wait_until(place_known, 300, "the resident's household in gov-affairs")

        # the community office registers the certificate in the console
        office = signed_in(browser, gateway_url, made["ca"]["username"])
        expect(office.get_by_test_id("menu-disability")).to_be_attached()
        expect(office.get_by_test_id("menu-assistive-devices")).to_be_attached()
        office.goto("/console/gov/disability")
        register = office.get_by_test_id("disability-register")
        expect(register.get_by_test_id("list")).to_contain_text("暂无数据")
        office.get_by_test_id("disability-create").click()
        field(office, "disability-name", "input").fill("赵红梅")
        field(office, "disability-number", "input").fill(number[:-1] + "9")
        field(office, "disability-valid-until", "input").fill(valid_until.isoformat())
        field(office, "disability-valid-until", "input").press("Enter")
        _pick(office, "disability-grid", "第一网格")
        office.get_by_test_id("disability-save").click()  # grade 9: refused in words
        expect(office.get_by_test_id("disability-refusal")).to_contain_text("等级（1至4）无效")
        field(office, "disability-number", "input").fill(number)
        office.get_by_test_id("disability-save").click()
        rows = register.locator(".el-table__row")
        expect(rows).to_have_count(1)
        row = rows.first
        for words in ("赵*梅", "肢体残疾", "一级", "有效", "第一网格", _shown(valid_until)):
            expect(row).to_contain_text(words)
        expect(row).not_to_contain_text(number)
        expect(row).not_to_contain_text(id_number[6:14])  # the birth date is masked

        # the number in clear, for a purpose: audited
        row.get_by_test_id("disability-reveal").click()
        dialog = office.get_by_test_id("disability-reveal-dialog")
        expect(dialog.get_by_test_id("disability-audit-hint")).to_contain_text("记入审计日志")
        field(dialog, "disability-purpose", "textarea").fill("核实辅助器具申请")
        dialog.get_by_test_id("disability-reveal-go").click()
        expect(dialog.get_by_test_id("disability-revealed-value")).to_have_text(number)
        shot(office, "gov-disability-reveal")
        dialog.get_by_role("button", name="取消").click()
        expect(office.get_by_test_id("disability-revealed-value")).to_have_count(0)
        listed = ok(
            api.get(
                "/api/v1/welfare/disability/records",
                headers=admin,
                params={"community_id": community},
            ),
            200,
        )
        record_id = listed["items"][0]["id"]

        def revealed() -> dict[str, Any] | None:
            r = api.get(
                "/api/v1/audit-records",
                headers=login("auditor"),
                params={"action": "disability.reveal", "resource_id": record_id},
            )
            items = ok(r, 200)["items"]
            return dict(items[0]) if items else None

        audit = wait_until(revealed, 120, "the reveal in the audit trail")
        assert audit["detail"] == {"field": "certificate_number", "purpose": "核实辅助器具申请"}
        assert audit["actor_id"] == made["ca"]["id"]

        # the resident applies for a wheelchair in the console
        home = signed_in(browser, gateway_url, made["res"]["username"])
        expect(home.get_by_test_id("menu-assistive-devices")).to_be_attached()
        expect(home.get_by_test_id("menu-disability")).to_have_count(0)
        home.goto("/console/gov/assistive-devices")
        home.get_by_test_id("assistive-apply").click()
        field(home, "assistive-number", "input").fill(number)
        _pick(home, "assistive-type", "轮椅")
        field(home, "assistive-reason", "textarea").fill("行走困难，需轮椅出行")
        home.get_by_test_id("assistive-apply-save").click()
        mine = home.get_by_test_id("assistive-devices").locator(".el-table__row")
        expect(mine).to_have_count(1)
        expect(mine.first).to_contain_text("轮椅")
        expect(mine.first).to_contain_text("待审核")

        # the office approves it and issues it for good
        office.goto("/console/gov/assistive-devices")
        desk = office.get_by_test_id("assistive-devices").locator(".el-table__row")
        expect(desk).to_have_count(1)
        item = desk.first
        expect(item).to_contain_text("赵*梅")
        expect(item).to_contain_text("待审核")
        expect(item).to_contain_text("行走困难，需轮椅出行")  # why, for the desk to decide
        item.get_by_test_id("assistive-approve").click()
        office.locator(".el-message-box").get_by_role("button", name="批准").click()
        expect(item).to_contain_text("已批准，待发放")
        item.get_by_test_id("assistive-issue").click()
        issue = office.get_by_test_id("assistive-issue-dialog")
        issue.get_by_text("发放（无需归还）").click()
        issue.get_by_test_id("assistive-issue-save").click()
        expect(item).to_contain_text("已发放")
        expect(item).to_contain_text("发放（无需归还）")
        expect(item).to_contain_text(_shown(today))
        shot(office, "gov-assistive-devices")

        # the counts show the holder and the device; the resident sees it issued
        office.goto("/console/gov/disability")
        stats = office.get_by_test_id("disability-stats")
        expect(stats).to_contain_text("第一网格")
        expect(stats).to_contain_text("肢体残疾 1")
        expect(stats).to_contain_text("已发放 1")
        office.context.close()
        home.reload()
        expect(mine.first).to_contain_text("已发放")
        home.context.close()

        [device] = ok(api.get(DEVICES, headers=resident, params={"mine": "true"}), 200)["items"]
        assert (device["device_type"], device["status"], device["mode"]) == (
            "wheelchair",
            "issued",
            "grant",
        )
        assert device["issued_on"] == today.isoformat()
