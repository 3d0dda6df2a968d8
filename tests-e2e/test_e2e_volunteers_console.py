"""Volunteers in the console (志愿者, issue 24 item 2, 6.5.2 c), on the stack `make run`
starts: in a community of this test's own, a resident registers as a volunteer through the
API (the way the app does); on the console's 志愿者 page the committee certifies them and
reads the volunteer number (never the ID number, which stays masked), publishes the service
they offer, records two hours served for it, and issues the certificate of hours: its hours
and verification code shown, its PDF downloaded, the code checked by the public check.
Every wait is bounded and generous and waits for a condition; nothing sleeps."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from conftest import DEMO_PASSWORD
from playwright.sync_api import Browser, Page, expect
from test_e2e_console import shot, signed_in

from e2e_kit import ok, pick, token, wait_until

V = "/api/v1/volunteers"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_number(seventeen: str) -> str:
    """A resident identity number (GB 11643) with its check character."""
    total = sum(int(c) * w for c, w in zip(seventeen, WEIGHTS, strict=True))
    return seventeen + "10X98765432"[total % 11]


def _community(api: httpx.Client, admin: dict[str, str], run: str) -> dict[str, Any]:
    """A community with one flat and its household; a committee member and the resident."""
    c = ok(
        api.post(
            "/api/v1/communities",
            headers=admin,
            json={"code": f"VL{run}", "name": f"志愿者测试社区{run}", "address": "测试路9号"},
        )
    )
    b = ok(
        api.post(
            "/api/v1/buildings",
            headers=admin,
            json={"community_id": c["id"], "code": "1", "name": f"志愿{run}号楼", "floors": 6},
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
            "/api/v1/rooms", headers=admin, json={"unit_id": u["id"], "floor": 3, "code": "301"}
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
                    "username": f"vl{run}{who}",
                    "display_name": f"志愿测试{who}",
                    "password": DEMO_PASSWORD,
                    "grants": grants,
                },
            )
        )
    return people


def _local(page: Page, minutes: int) -> str:
    """The browser's own wall clock ``minutes`` from now, as the date picker takes it."""
    return str(
        page.evaluate(
            """(m) => {
              const d = new Date(Date.now() + m * 60000);
              const p = (n) => String(n).padStart(2, "0");
              return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
                `${p(d.getHours())}:${p(d.getMinutes())}:00`;
            }""",
            minutes,
        )
    )


@pytest.mark.timeout(2700)  # the stack's start: 20+ minutes on a loaded machine
def test_the_committee_certifies_a_volunteer_records_hours_and_issues_the_certificate(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    # 110105 (朝阳区), born 1965-03-dd, sequence from the run: 17 digits and the check
    day = int(run[:2]) % 28 + 1
    id_number = _id_number(f"110105196503{day:02d}{run[2:]}")
    name = "王秀英"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        made = _community(api, login("platform_admin"), run)
        community = made["community"]["id"]
        office = token(api, made["ca"]["username"])
        resident = token(api, made["res"]["username"])
        body = {
            "community_id": community,
            "name": name,
            "id_number": id_number,
            "phone": "13912345678",
            "skills": ["陪同就医", "助餐"],
            "availability": "工作日下午",
        }

        def registered() -> dict[str, Any] | None:
            # gov-affairs learns the resident's household from identity's events
            r = api.post(V, headers=resident, json=body)
            if r.status_code in (403, 429):
                return None
            return ok(r)

        volunteer = wait_until(registered, 300, "the resident's household in gov-affairs")
        assert volunteer["status"] == "applied" and volunteer["number"] is None
        assert id_number not in str(volunteer)

        page = signed_in(browser, gateway_url, made["ca"]["username"])
        expect(page.get_by_test_id("menu-volunteers")).to_be_attached()
        page.goto("/console/gov/volunteers")
        row = page.locator(".el-table__row", has_text="陪同就医")
        expect(row).to_contain_text("待认证")
        row.get_by_test_id("volunteer-certify").click()
        expect(row).to_contain_text("已认证")
        number = ok(api.get(f"{V}/{volunteer['id']}", headers=office), 200)["number"]
        assert number and id_number not in number
        expect(row).to_contain_text(number)
        expect(page.locator("body")).not_to_contain_text(id_number)
        expect(page.locator("body")).not_to_contain_text(name)  # masked: 王*英

        # the service the volunteer offers, then two hours served for it
        row.get_by_test_id("volunteer-service").click()
        form = page.get_by_test_id("volunteer-service-form")
        field = lambda label: form.locator(".el-form-item", has_text=label)  # noqa: E731
        field("服务项目").locator("input").fill("陪同就医")
        field("服务说明").locator("textarea").fill("陪同独居老人到社区卫生服务中心就医")
        field("服务地点").locator("input").fill("社区卫生服务中心")
        page.get_by_test_id("volunteer-service-save").click()
        services = page.get_by_test_id("volunteer-services")
        expect(services.locator(".el-table__row", has_text="陪同就医")).to_contain_text(number)

        row.get_by_test_id("volunteer-hours").click()
        form = page.get_by_test_id("volunteer-hours-form")
        pick(page, page.locator("[data-test=volunteer-hours-service] .el-select"), "陪同就医")
        expect(field("服务地点").locator("input")).to_have_value("社区卫生服务中心")
        field("服务内容").locator("textarea").fill("陪同李大爷复诊取药，往返步行")
        for label, minutes in (("开始时间", -180), ("结束时间", -60)):
            box = field(label).locator("input")
            box.fill(_local(page, minutes))
            box.press("Enter")
        form.locator(".el-form-item__label").first.click()  # the pickers closed
        page.get_by_test_id("volunteer-hours-save").click()
        # the service's own "saved" message may still be showing beside this one
        expect(page.locator(".el-message--success", has_text="已记录 2.0 小时")).to_be_visible()
        expect(row.locator("td").nth(6)).to_contain_text("2")

        records = ok(api.get(f"{V}/{volunteer['id']}/hours", headers=office), 200)["items"]
        assert [(r["project"], r["hours"], r["volunteer_number"]) for r in records] == [
            ("陪同就医", "2.0", number)
        ]
        assert records[0]["place"] == "社区卫生服务中心"

        # the certificate of hours: shown with its code, downloaded, checked in public
        row.get_by_test_id("volunteer-certificate").click()
        page.get_by_test_id("volunteer-certificate-issue").click()
        issued = page.get_by_test_id("volunteer-certificate-issued")
        expect(issued).to_contain_text("已出具，期间累计服务 2.0 小时")
        code = page.get_by_test_id("volunteer-certificate-code").inner_text().strip()
        assert code
        shot(page, "gov-volunteers")
        with page.expect_download() as download:
            page.get_by_test_id("volunteer-certificate-pdf").click()
        assert download.value.suggested_filename.endswith(".pdf")
        with open(download.value.path(), "rb") as f:
            assert f.read(5) == b"%PDF-"
        page.context.close()

        checked = api.get(f"/api/v1/certificates/verify/{code}")
        assert checked.status_code == 200, checked.text
        assert id_number not in checked.text
