"""The console's commerce pages in Chromium, against the stack `make run` starts with its
demo data (services/commerce/src/commerce/demo.py): the community admin verifies a merchant
who has just registered (its phone masked) in 商户登记, finds the tailor's shop registered
in the tenant's flat among the flagged shops (住人风险) in 社区商铺, and reads 张伟's flat
for sale in 房屋租售 with its price in words and the contact masked. Every wait is a
Playwright expectation with a generous bound; nothing sleeps."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in

from e2e_kit import home_of
from sc_core.validators import uscc_check_char


def test_the_community_verifies_a_merchant_and_finds_the_shop_where_people_live(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    name = f"幸福里洗衣房{uuid.uuid4().int % 1000:03d}号"
    body17 = f"92110105MA{uuid.uuid4().int % 10**7:07d}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        community = home_of(api, login("resident"))["community_id"]
        r = api.post(
            "/api/v1/commerce/merchants",
            json={
                "community_id": community,
                "name": name,
                "credit_code": body17 + uscc_check_char(body17),
                "category": "laundry",
                "address": "幸福里社区 2号楼底商 103",
                "opening_hours": [{"days": [1, 2, 3, 4, 5], "opens": "08:00", "closes": "20:00"}],
                "phone": "13900000013",
            },
            headers=login("merchant"),
        )
        assert r.status_code == 201, r.text
        merchant_id = r.json()["id"]

        page = signed_in(browser, gateway_url, "community_admin")
        expect(page.get_by_test_id("menu-merchants")).to_be_attached()
        page.goto("/console/commerce/merchants")
        row = page.locator(".el-table__row", has_text=name)
        expect(row).to_contain_text("待审核")
        expect(row).to_contain_text("139****0013")
        expect(row).to_contain_text("洗衣")
        row.get_by_test_id("verify").click()
        page.get_by_test_id("review-save").click()
        expect(row).to_contain_text("已认证")
        seen = api.get(
            f"/api/v1/commerce/merchants/{merchant_id}", headers=login("community_admin")
        )
        assert seen.json()["status"] == "verified"
        shot(page, "commerce-merchants")

        page.goto("/console/commerce/shops")
        tailor = page.locator(".el-table__row", has_text="巧手裁缝铺")
        expect(tailor.get_by_test_id("flag")).to_have_text("登记的房屋有住户居住，可能存在住人现象")
        grocery = page.locator(".el-table__row", has_text="惠民便利店")
        expect(grocery.get_by_test_id("flag")).to_have_count(0)
        shot(page, "commerce-shops")

        page.goto("/console/commerce/listings")
        flat = page.locator(".el-table__row", has_text="南北通透三室一厅")
        expect(flat).to_contain_text("售价 285 万元")
        expect(flat).to_contain_text("已发布")
        expect(flat).to_contain_text("138****0001")
        shot(page, "commerce-listings")
