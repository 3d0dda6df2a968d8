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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, expect
from test_e2e_console import shot, signed_in

from e2e_kit import home_of, pick, register_device, wait_until
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


C = "/api/v1/commerce"


def _ok(r: httpx.Response, status: int = 201) -> Any:
    assert r.status_code == status, (r.request.method, r.request.url, r.text)
    return r.json()


def test_staff_find_service_points_on_the_map_add_one_and_follow_a_booking(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    manager, resident = login("property_manager"), login("resident")
    service = f"阳台推拉门卡住{uuid.uuid4().hex[:4]}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        [repair] = _ok(
            api.get(f"{C}/service-points", headers=resident, params={"kind": "repair_station"}),
            200,
        )["items"][:1]
        preferred = datetime.now(UTC) + timedelta(days=2)
        booking = _ok(
            api.post(
                f"{C}/service-points/{repair['id']}/bookings",
                headers=resident,
                json={"service": service, "preferred_at": preferred.isoformat()},
            )
        )

        page = signed_in(browser, gateway_url, "property_manager")
        expect(page.get_by_test_id("menu-service-points")).to_be_attached()
        page.goto("/console/commerce/points")
        station = page.locator(".el-table__row", has_text="幸福里便民维修站")
        expect(station.get_by_test_id("point-kind")).to_have_text("便民维修站")
        expect(station).to_contain_text("水电维修")
        recycling = page.locator(".el-table__row", has_text="2号楼东侧再生资源回收点")
        expect(recycling.get_by_test_id("point-kind")).to_have_text("再生资源回收点")
        # each point a marker on the map, named beside it
        expect(page.locator(".marker-repair_station").first).to_be_attached()
        expect(page.locator(".marker-agency").first).to_be_attached()
        expect(page.get_by_test_id("map")).to_contain_text("幸福里便民维修站（便民维修站）")

        # staff add a point: it is listed with its kind in words
        name = f"幸福里家政服务站{uuid.uuid4().int % 1000:03d}"
        page.get_by_test_id("create").click()
        dialog = page.locator(".el-dialog")
        field = lambda label: dialog.locator(".el-form-item", has_text=label)  # noqa: E731
        pick(page, field("网点类型").locator(".el-select"), "服务机构")
        field("网点名称").locator("input").fill(name)
        field("经营地址").locator("input").fill("幸福里社区 南门西侧")
        field("纬度").locator("input").fill("39.9035")
        field("经度").locator("input").fill("116.4070")
        dialog.get_by_test_id("save").click()
        added = page.locator(".el-table__row", has_text=name)
        expect(added.get_by_test_id("point-kind")).to_have_text("服务机构")
        expect(added).to_contain_text("幸福里社区 南门西侧")
        shot(page, "commerce-service-points")

        # the booking, in words, until the property accepts the case work-orders opened
        page.get_by_role("tab", name="服务预约").click()
        row = page.locator(".el-table__row", has_text=service)
        expect(row).to_contain_text("幸福里便民维修站")
        expect(row.get_by_test_id("booking-status")).to_have_text("已预约，等待安排")

        def case_of_booking() -> dict[str, Any] | None:
            r = api.get(
                "/api/v1/work-orders",
                headers=manager,
                params={"type": "maintenance_booking", "limit": 100},
            )
            found = [c for c in _ok(r, 200)["items"] if c.get("external_ref") == booking["id"]]
            return found[0] if found else None

        case = wait_until(case_of_booking, 120, "the booking's maintenance case")
        _ok(api.post(f"/api/v1/work-orders/{case['id']}/accept", headers=manager, json={}), 200)

        def accepted() -> bool:
            r = api.get(f"{C}/bookings", headers=manager, params={"limit": 100})
            return any(
                b["id"] == booking["id"] and b["status"] == "accepted" for b in _ok(r, 200)["items"]
            )

        wait_until(accepted, 120, "the booking following its accepted case")
        page.reload()
        page.get_by_role("tab", name="服务预约").click()
        expect(row.get_by_test_id("booking-status")).to_have_text("已受理，等待派单")
        shot(page, "commerce-bookings")


def test_staff_weigh_a_drop_off_and_redeem_credits_never_past_the_balance(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    manager, admin = login("property_manager"), login("community_admin")
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        home = home_of(api, login("resident"))
        household = home["household_id"]
        points = _ok(
            api.get(f"{C}/service-points", headers=manager, params={"kind": "recycling_point"}),
            200,
        )["items"]
        point = next(p for p in points if p["name"] == "2号楼东侧再生资源回收点")
        # a waste bin beside the point reports how full it is
        device, token = register_device(
            api, admin, f"e2e-bin-{uuid.uuid4().hex[:6]}", "waste_bin", home
        )
        label = f"可回收物桶{uuid.uuid4().int % 100:02d}"
        _ok(
            api.post(
                f"{C}/service-points/{point['id']}/bins",
                headers=manager,
                json={"device_id": device, "label": label},
            )
        )
        sent = httpx.post(
            f"{gateway_url}/api/v1/{token}/telemetry", json={"fillingLevel": 0.85}, timeout=30
        )
        assert sent.status_code == 200, sent.text

        def bin_read() -> bool:
            p = _ok(api.get(f"{C}/service-points/{point['id']}", headers=manager), 200)
            return any(b["device_id"] == device and b["fill_level"] for b in p["bins"])

        wait_until(bin_read, 120, "the bin's fill level")
        before = _ok(
            api.get(f"{C}/recycling/households/{household}/credits", headers=manager), 200
        )["balance"]

        page = signed_in(browser, gateway_url, "property_manager")
        expect(page.get_by_test_id("menu-recycling")).to_be_attached()
        page.goto("/console/commerce/recycling")
        pick(page, page.get_by_test_id("recycling-point"), "2号楼东侧再生资源回收点")
        bins = page.get_by_test_id("bins")
        expect(bins.locator(".bin", has_text=label)).to_contain_text("85%，较满")
        pick(page, page.get_by_test_id("household"), home["name"])
        statement = page.get_by_test_id("statement")
        balance = statement.get_by_test_id("balance").locator(".el-statistic__number")
        expect(balance).to_have_text(f"{before:,}")

        # 1.2 kg of plastic: 15 credits a kilogram, 18 credits
        page.get_by_test_id("drop-off").click()
        dialog = page.locator(".el-dialog:visible")
        pick(page, dialog.get_by_test_id("category"), "塑料")
        weight = dialog.locator("[data-test=weight-kg] input, input[data-test=weight-kg]")
        weight.fill("1.2")
        weight.blur()
        dialog.get_by_test_id("drop-off-save").click()
        plastic = statement.get_by_test_id("drop-offs").locator(".el-table__row").first
        expect(plastic).to_contain_text("塑料")
        expect(plastic).to_contain_text("1.2 千克")
        expect(plastic).to_contain_text("18")
        expect(balance).to_have_text(f"{before + 18:,}")

        # more than the balance: refused in words, nothing spent
        page.get_by_test_id("redeem").click()
        dialog = page.locator(".el-dialog:visible")
        credits = dialog.locator("[data-test=credits] input, input[data-test=credits]")
        credits.fill(str(before + 19))
        credits.blur()
        dialog.get_by_test_id("item").fill("洗衣液一瓶")
        dialog.get_by_test_id("redeem-save").click()
        expect(dialog.get_by_test_id("dialog-error")).to_contain_text(
            "这户的积分余额不足，不能兑换"
        )
        credits.fill("10")
        credits.blur()
        dialog.get_by_test_id("redeem-save").click()
        expect(dialog).to_be_hidden()
        taken = statement.get_by_test_id("redemptions").locator(".el-table__row").first
        expect(taken).to_contain_text("洗衣液一瓶")
        expect(taken).to_contain_text("10")
        expect(balance).to_have_text(f"{before + 8:,}")
        shot(page, "commerce-recycling")
        after = _ok(api.get(f"{C}/recycling/households/{household}/credits", headers=manager), 200)
        assert after["balance"] == before + 8


def test_the_merchant_works_an_order_and_staff_read_it(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    resident = login("resident")
    note = f"送到1号楼1单元101，谢谢{uuid.uuid4().hex[:4]}"
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        shops = _ok(api.get(f"{C}/shops", headers=resident, params={"limit": 100}), 200)
        store = next(s for s in shops["items"] if s["name"] == "惠民便利店")
        products = _ok(api.get(f"{C}/shops/{store['id']}/products", headers=resident), 200)
        greens = next(p for p in products["items"] if p["name"] == "有机青菜")
        placed = [
            _ok(
                api.post(
                    f"{C}/orders",
                    headers=resident,
                    json={
                        "shop_id": store["id"],
                        "items": [{"product_id": greens["id"], "quantity": 2}],
                        "note": f"{note}-{n}",
                    },
                )
            )
            for n in (1, 2)
        ]
        assert all(o["total_fen"] == 1300 for o in placed)

    page = signed_in(browser, gateway_url, "merchant")
    expect(page.get_by_test_id("menu-shop-orders")).to_be_attached()
    page.goto("/console/commerce/orders")
    first = page.locator(".el-table__row", has_text=f"{note}-1")
    expect(first).to_contain_text("待商户接单")
    expect(first).to_contain_text("未支付")
    expect(first).to_contain_text("¥13.00")
    expect(first).to_contain_text("有机青菜 × 2（6.50 元/斤）")
    first.get_by_test_id("accept").click()
    expect(first).to_contain_text("商户已接单")
    # shipping waits for the household's payment
    expect(first.get_by_test_id("ship-waiting")).to_be_disabled()
    expect(first.get_by_test_id("ship")).to_have_count(0)

    second = page.locator(".el-table__row", has_text=f"{note}-2")
    second.get_by_test_id("refuse").click()
    dialog = page.locator(".el-dialog:visible")
    dialog.get_by_test_id("refuse-reason").fill("青菜今日已售完")
    dialog.get_by_test_id("refuse-save").click()
    expect(second).to_contain_text("商户已拒单")
    expect(second).to_contain_text("青菜今日已售完")
    expect(second.get_by_test_id("refuse")).to_have_count(0)
    shot(page, "commerce-orders-merchant")

    # the community's staff read the orders and work none of them
    staff = signed_in(browser, gateway_url, "property_manager")
    staff.goto("/console/commerce/orders")
    seen = staff.locator(".el-table__row", has_text=f"{note}-1")
    expect(seen).to_contain_text("商户已接单")
    expect(seen).to_contain_text("惠民便利店")
    expect(staff.get_by_test_id("accept")).to_have_count(0)
    expect(staff.get_by_test_id("refuse")).to_have_count(0)


def test_the_merchant_publishes_an_offer_and_sees_it(browser: Browser, gateway_url: str) -> None:
    title = f"鸡蛋周末特价{uuid.uuid4().int % 1000:03d}"
    page = signed_in(browser, gateway_url, "merchant")
    expect(page.get_by_test_id("menu-offers")).to_be_attached()
    page.goto("/console/commerce/offers")
    pick(page, page.get_by_test_id("offer-shop"), "惠民便利店")
    page.get_by_test_id("publish-offer").click()
    dialog = page.locator(".el-dialog:visible")
    dialog.get_by_test_id("offer-title-zh").fill(title)
    dialog.get_by_test_id("offer-title-en").fill("Eggs on offer this weekend")
    dialog.get_by_test_id("offer-text").fill("土鸡蛋 30 枚一盒，周末特价")
    price = dialog.locator("[data-test=offer-price] input, input[data-test=offer-price]")
    price.fill("19.9")
    price.blur()
    dialog.get_by_test_id("offer-save").click()
    expect(dialog).to_be_hidden()
    offer = page.get_by_test_id("offer-list").locator(".el-table__row", has_text=title)
    expect(offer).to_contain_text("优惠价 19.90 元")
    expect(offer).to_contain_text("土鸡蛋 30 枚一盒，周末特价")

    # a discount instead of a price
    page.get_by_test_id("publish-offer").click()
    dialog = page.locator(".el-dialog:visible")
    dialog.get_by_test_id("offer-title-zh").fill(f"会员折扣{uuid.uuid4().int % 1000:03d}")
    dialog.get_by_test_id("offer-title-en").fill("Members' discount")
    dialog.get_by_test_id("offer-text").fill("会员全场")
    dialog.get_by_test_id("deal-discount").click()
    pct = dialog.locator("[data-test=offer-discount] input, input[data-test=offer-discount]")
    pct.fill("20")
    pct.blur()
    dialog.get_by_test_id("offer-save").click()
    expect(dialog).to_be_hidden()
    member = page.get_by_test_id("offer-list").locator(".el-table__row", has_text="会员全场")
    expect(member).to_contain_text("8折")

    # the merchant withdraws the first: shown withdrawn, no longer to be withdrawn again
    expect(offer.get_by_test_id("offer-state")).to_have_text("生效中")
    offer.get_by_test_id("withdraw-offer").click()
    page.locator(".el-message-box").get_by_role("button", name="撤回").click()
    expect(offer.get_by_test_id("offer-state")).to_have_text("商户已撤回该优惠")
    expect(offer.get_by_test_id("withdraw-offer")).to_have_count(0)
    expect(member.get_by_test_id("offer-state")).to_have_text("生效中")
    shot(page, "commerce-offers")


def test_a_merchant_registers_a_business_the_code_checked_as_gb_32100_checks_it(
    browser: Browser, gateway_url: str, login: Any
) -> None:
    name = f"幸福里鲜花店{uuid.uuid4().int % 1000:03d}"
    body17 = f"92110105MA{uuid.uuid4().int % 10**7:07d}"
    code = body17 + uscc_check_char(body17)
    wrong = body17 + next(c for c in "0123456789" if c != code[-1])
    page = signed_in(browser, gateway_url, "merchant")
    page.goto("/console/commerce/mine")
    page.get_by_test_id("register-merchant").click()
    dialog = page.locator(".el-dialog:visible")
    dialog.get_by_test_id("merchant-name").fill(name)
    dialog.get_by_test_id("merchant-credit-code").fill(wrong)
    pick(page, dialog.get_by_test_id("merchant-category"), "其他")
    dialog.get_by_test_id("merchant-address").fill("幸福里社区 2号楼底商 108")
    dialog.get_by_test_id("merchant-phone").fill("1390000")
    dialog.get_by_test_id("merchant-save").click()
    # refused on the form, in words, before anything is sent
    expect(dialog).to_contain_text("统一社会信用代码校验位不正确，请核对")
    expect(dialog).to_contain_text("请填写手机号（13812345678）或带区号的座机（010-12345678）")
    dialog.get_by_test_id("merchant-credit-code").fill(code)
    dialog.get_by_test_id("merchant-phone").fill("13900000014")
    dialog.get_by_test_id("merchant-save").click()
    expect(dialog).to_be_hidden()
    card = page.get_by_test_id(f"merchant-{name}")
    expect(card.get_by_test_id("merchant-status")).to_have_text("待审核")
    expect(card).to_contain_text(code)
    expect(card).to_contain_text("周一至周日 08:00-20:00")

    # a change of address: saved, and the community reviews it again
    card.get_by_test_id("edit-merchant").click()
    dialog = page.locator(".el-dialog:visible")
    dialog.get_by_test_id("merchant-address").fill("幸福里社区 2号楼底商 110")
    dialog.get_by_test_id("merchant-save").click()
    expect(dialog).to_be_hidden()
    expect(card).to_contain_text("幸福里社区 2号楼底商 110")
    shot(page, "commerce-merchant-register")
    with httpx.Client(base_url=gateway_url, timeout=30) as api:
        mine = _ok(api.get(f"{C}/merchants", headers=login("merchant"), params={"limit": 100}), 200)
        [seen] = [m for m in mine["items"] if m["name"] == name]
        assert seen["address"] == "幸福里社区 2号楼底商 110"
        assert seen["credit_code"] == code
