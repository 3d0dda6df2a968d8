"""The console's commerce pages in Chromium, against the stack `make run` starts with its
demo data (services/commerce/src/commerce/demo.py): the community admin verifies a merchant
who has just registered (its phone masked) in 商户登记, finds the tailor's shop registered
in the tenant's flat among the flagged shops (住人风险) in 社区商铺, and reads 张伟's flat
for sale in 房屋租售 with its price in words and the contact masked. Every wait is a
Playwright expectation with a generous bound; nothing sleeps."""

from __future__ import annotations

import struct
import uuid
import zlib
from pathlib import Path
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


def png(width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG (a flat of one colour), as a phone's photo would be uploaded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xc8\x96\x64" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PIXEL = png()


def test_the_property_adds_a_photo_to_a_listing_and_sees_the_agencies_beside_it(
    browser: Browser, gateway_url: str, login: Any, tmp_path: Path
) -> None:
    page = signed_in(browser, gateway_url, "community_admin")
    page.goto("/console/commerce/listings")
    flat = page.locator(".el-table__row", has_text="南北通透三室一厅")
    expect(flat).to_contain_text("已发布")
    flat.get_by_test_id("detail").click()
    drawer = page.locator(".el-drawer")
    expect(drawer).to_contain_text("一楼带小院")
    expect(drawer.get_by_test_id("listing-photos")).to_contain_text("暂无照片")
    # the community's agency by the north gate, with the distance from the flat in words
    agency = drawer.get_by_test_id("agencies").locator(
        ".el-table__row", has_text="幸福里房屋中介服务点"
    )
    expect(agency).to_contain_text("90 米")
    expect(agency).to_contain_text("房屋租售咨询")

    photo = tmp_path / "客厅.png"
    photo.write_bytes(PIXEL)
    drawer.get_by_test_id("listing-photo-upload").locator("input[type=file]").set_input_files(
        str(photo)
    )
    expect(drawer.locator("[data-test=listing-photos] img")).to_have_count(1)
    expect(drawer).not_to_contain_text("暂无照片")
    shot(page, "commerce-listing-detail")

    # a neighbour reading the listing sees the same photo
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        seen = api.get(
            "/api/v1/commerce/listings", params={"kind": "sale"}, headers=login("tenant")
        ).json()["items"]
        [listing] = [x for x in seen if x["title"] == "南北通透三室一厅，近地铁"]
        [shown] = listing["photos"]
        r = api.get(shown["url"], headers=login("tenant"))
        assert r.status_code == 200 and r.content == PIXEL
        assert r.headers["content-type"] == "image/png"


def test_a_merchant_sees_its_verification_its_shop_and_puts_a_product_on_sale(
    browser: Browser, gateway_url: str
) -> None:
    page = signed_in(browser, gateway_url, "merchant")
    expect(page.get_by_test_id("menu-my-merchant")).to_be_attached()
    expect(page.get_by_test_id("menu-listings")).to_have_count(0)
    page.goto("/console/commerce/mine")
    grocery = page.get_by_test_id("merchant-幸福里惠民便利店")
    expect(grocery.get_by_test_id("merchant-status")).to_have_text("已认证")
    expect(grocery.get_by_test_id("merchant-state")).to_have_text("已通过认证，商铺营业中。")
    expect(grocery).to_contain_text("证照齐全，现场核验通过")  # the community's note
    expect(grocery).to_contain_text("13900000011")  # its own phone, in full
    products = grocery.get_by_test_id("products-惠民便利店")
    rice = products.locator(".el-table__row", has_text="东北大米 5kg")
    expect(rice.get_by_test_id("availability")).to_have_text("暂不供应")
    expect(products.locator(".el-table__row", has_text="有机青菜")).to_contain_text("6.50 元/斤")
    rice.get_by_test_id("toggle-availability").click()
    expect(rice.get_by_test_id("availability")).to_have_text("在售")

    # the tailor's shop is shown to its merchant with the flag the community sees
    tailor = page.get_by_test_id("merchant-巧手裁缝铺")
    expect(tailor.get_by_test_id("flag")).to_have_text("登记的房屋有住户居住，可能存在住人现象")

    # a new product, priced in yuan on the form, in fen in the service
    grocery.get_by_test_id("add-product-惠民便利店").click()
    dialog = page.locator(".el-dialog")
    dialog.get_by_test_id("product-name").fill("新鲜牛奶 1L")
    dialog.get_by_test_id("product-unit").fill("盒")
    price = dialog.locator("[data-test=product-price] input, input[data-test=product-price]")
    price.fill("12.8")
    price.blur()
    dialog.get_by_test_id("product-save").click()
    milk = products.locator(".el-table__row", has_text="新鲜牛奶 1L")
    expect(milk).to_contain_text("12.80 元/盒")
    expect(milk.get_by_test_id("availability")).to_have_text("在售")
    shot(page, "commerce-my-merchant")
