"""Legal services in the console (法律服务, issue 24 item 6), on the stack `make run` starts: in
a community of this test's own, the committee registers a community lawyer and publishes two
consultation times; a resident books one through the API, the way the app does; on the
console's 法律服务 page the committee sees the lawyer serving, the booked time and the free
one, withdraws the free one, records the consultation's outcome naming a mediation case (a
work order of work-orders) and reads the case's state in words once work-orders' event
reached gov-affairs. Every wait is bounded and generous; nothing sleeps."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from conftest import DEMO_PASSWORD
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in

from e2e_kit import ok, token, wait_until

L = "/api/v1/legal"


def _community(api: httpx.Client, admin: dict[str, str], run: str) -> dict[str, Any]:
    """A community with one flat and its household; a committee member, a resident of the
    flat and a lawyer's account (no role: the lawyer is named by the committee)."""
    c = ok(
        api.post(
            "/api/v1/communities",
            headers=admin,
            json={"code": f"LG{run}", "name": f"法律服务测试社区{run}", "address": "测试路3号"},
        )
    )
    b = ok(
        api.post(
            "/api/v1/buildings",
            headers=admin,
            json={"community_id": c["id"], "code": "1", "name": f"法律{run}号楼", "floors": 6},
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
    accounts = {}
    for who, grants in (
        ("ca", [{"role": "community_admin", "scope_type": "community", "scope_id": c["id"]}]),
        ("res", [{"role": "resident", "scope_type": "household", "scope_id": household["id"]}]),
        ("law", []),
    ):
        accounts[who] = ok(
            api.post(
                "/api/v1/accounts",
                headers=admin,
                json={
                    "username": f"lg{run}{who}",
                    "display_name": f"法律测试{who}",
                    "password": DEMO_PASSWORD,
                    "grants": grants,
                },
            )
        )
    return {"community": c, **accounts}


def test_the_committee_records_a_consultation_s_outcome_with_its_mediation_case(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    run = f"{uuid.uuid4().int % 100000:05d}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        made = _community(api, login("platform_admin"), run)
        community = made["community"]["id"]
        office = token(api, made["ca"]["username"])
        resident = token(api, made["res"]["username"])
        lawyer = ok(
            api.post(
                f"{L}/lawyers",
                headers=office,
                json={
                    "community_id": community,
                    "account_id": made["law"]["id"],
                    "name": "周律师",
                    "firm": "北京市邻里律师事务所",
                    "specialties": ["neighbours"],
                },
            )
        )
        start = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
        slots = [
            {
                "starts_at": (start + timedelta(hours=h)).isoformat(),
                "ends_at": (start + timedelta(hours=h, minutes=45)).isoformat(),
                "place": "社区党群服务中心 法律服务室",
            }
            for h in (0, 2)
        ]
        published = api.post(
            f"{L}/lawyers/{lawyer['id']}/slots", headers=office, json={"slots": slots}
        )
        assert published.status_code == 201, published.text
        booked_slot, free_slot = published.json()
        ask = {"topic": "neighbours", "question": "楼上邻居夜间噪音，协商无果，如何处理？"}

        def booked() -> dict[str, Any] | None:
            # gov-affairs learns the new household from identity's events
            r = api.post(f"{L}/slots/{booked_slot['id']}/bookings", headers=resident, json=ask)
            if r.status_code in (403, 429):
                return None
            return ok(r)

        booking = wait_until(booked, 300, "the resident's household in gov-affairs")
        assert booking["status"] == "booked"

        def mediation_case() -> dict[str, Any] | None:
            # work-orders learns the new community from identity's events too
            r = api.post(
                "/api/v1/work-orders",
                headers=office,
                json={
                    "case_type": "mediation",
                    "title": "邻里噪音纠纷调解",
                    "community_id": community,
                },
            )
            return None if r.status_code in (403, 422, 429) else ok(r)

        case = wait_until(mediation_case, 300, "the community in work-orders")

        page = signed_in(browser, gateway_url, made["ca"]["username"])
        expect(page.get_by_test_id("menu-legal")).to_be_attached()
        page.goto("/console/gov/legal")
        lawyers = page.get_by_test_id("legal-lawyers").locator(".el-table__row")
        expect(lawyers).to_have_count(1)
        expect(lawyers.first).to_contain_text("周律师")
        expect(lawyers.first).to_contain_text("社区律师")
        expect(lawyers.first).to_contain_text("邻里纠纷")
        expect(lawyers.first).to_contain_text("服务中")

        # the free time is withdrawn; the booked one stays
        page.get_by_role("tab", name="咨询时段").click()
        times = page.get_by_test_id("legal-slots").locator(".el-table__row")
        expect(times).to_have_count(2)
        expect(times.nth(0)).to_contain_text("已预约")
        expect(times.nth(1)).to_contain_text("空闲")
        expect(times.nth(1)).to_contain_text("免费")
        times.nth(1).get_by_test_id("legal-withdraw").click()
        page.locator(".el-message-box").get_by_role("button", name="撤回").click()
        expect(times).to_have_count(1)
        expect(times.first).to_contain_text("已预约")

        # the outcome, naming the mediation case
        page.get_by_role("tab", name="预约与评价").click()
        rows = page.get_by_test_id("legal-bookings").locator(".el-table__row")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("邻里纠纷")
        expect(rows.first).to_contain_text("已预约")
        rows.first.get_by_test_id("legal-outcome").click()
        page.get_by_test_id("legal-outcome-text").fill(
            "已释明《民法典》相邻关系规定，建议社区调解，已转矛盾调解。"
        )
        page.get_by_test_id("legal-case-id").fill(case["id"])
        page.get_by_test_id("legal-outcome-save").click()
        expect(rows.first).to_contain_text("已咨询")
        expect(rows.first).to_contain_text("已转矛盾调解")
        expect(rows.first.get_by_test_id("legal-case")).to_contain_text(case["id"])

        def case_known() -> dict[str, Any] | None:
            seen = ok(api.get(f"{L}/bookings/{booking['id']}", headers=office), 200)
            return seen if seen["case"] and seen["case"]["known"] else None

        seen = wait_until(case_known, 180, "the mediation case's state from work-orders")
        words = seen["case"]["status_name"]["zh"]
        page.reload()
        page.get_by_role("tab", name="预约与评价").click()
        expect(rows.first.get_by_test_id("legal-case")).to_contain_text(words)
        shot(page, "gov-legal")
        page.context.close()

        done = ok(api.get(f"{L}/bookings/{booking['id']}", headers=resident), 200)
        assert done["status_name"] == {"zh": "已咨询", "en": "consulted"}
        assert done["case"]["work_order_id"] == case["id"]
        gone = ok(api.get(f"{L}/slots", headers=resident, params={"community_id": community}), 200)
        assert [s["id"] for s in gone["items"]] == [booked_slot["id"]]
        assert free_slot["id"] not in {s["id"] for s in gone["items"]}
