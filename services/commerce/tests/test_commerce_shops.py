"""Shops and products through commerce's API, on a real PostgreSQL and Kafka (one app for
the module): a verified merchant opens a shop and prices products in fen; residents
browse their community's shops nearest first and the products on sale; a shop registered
at a room where a household lives is flagged (published for work-orders to open the grid
worker's case), which residents never see."""

from __future__ import annotations

import uuid
from typing import Any

from test_commerce_api import M, assert_problem, shop

from commerce_helpers import Harness
from sc_contracts.events import ShopFlaggedV1

S = "/api/v1/commerce/shops"
HOME = (39.9042, 116.4074)  # 幸福里社区


async def verified_merchant(h: Harness, community: str, owner: str, **changes: Any) -> str:
    r = await h.client.post(
        M, json=shop(community, **changes), headers=h.merchant(community, owner)
    )
    assert r.status_code == 201, r.text
    mid: str = r.json()["id"]
    r = await h.client.post(f"{M}/{mid}/verify", headers=h.staff(community))
    assert r.json()["status"] == "verified"
    return mid


def storefront(merchant_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "merchant_id": merchant_id,
        "name": "幸福里  生鲜小铺",
        "description": "每日早上七点到货",
        "latitude": HOME[0] + 0.001,  # about 111 m north
        "longitude": HOME[1],
    }
    body.update(changes)
    return body


async def test_a_merchant_opens_a_shop_residents_browse_it_nearest_first_with_its_products(
    harness: Harness, community: str
) -> None:
    h = harness
    near_id = await verified_merchant(h, community, "m-near", category="grocery")
    far_id = await verified_merchant(h, community, "m-far", name="远处的洗衣店")
    owner = h.merchant(community, "m-near")

    # a merchant waiting for verification opens nothing; another's merchant looks absent
    r = await h.client.post(M, json=shop(community), headers=h.merchant(community, "m-new"))
    pending = r.json()["id"]
    assert_problem(
        await h.client.post(S, json=storefront(pending), headers=h.merchant(community, "m-new")),
        409,
        "commerce.merchant_unverified",
    )
    assert_problem(
        await h.client.post(S, json=storefront(near_id), headers=h.merchant(community, "m-far")),
        404,
        "commerce.merchant_not_found",
    )
    r = await h.client.post(S, json=storefront(near_id), headers=owner)
    assert r.status_code == 201, r.text
    near = r.json()
    assert near["name"] == "幸福里 生鲜小铺" and near["flagged"] is False and near["mine"]
    assert near["category_label"]["zh-CN"] == "便利店与生鲜"
    assert_problem(
        await h.client.post(S, json=storefront(near_id), headers=owner), 409, "commerce.shop_exists"
    )
    far_body = storefront(far_id, name="洗衣店", latitude=HOME[0] + 0.02)  # about 2.2 km
    r = await h.client.post(S, json=far_body, headers=h.merchant(community, "m-far"))
    far = r.json()

    # products priced in fen; one not on sale
    P = f"{S}/{near['id']}/products"
    r = await h.client.post(
        P, json={"name": "有机青菜", "unit": "斤", "price_fen": 650}, headers=owner
    )
    assert r.status_code == 201, r.text
    greens = r.json()
    assert greens["price_label"] == {"zh-CN": "6.50 元/斤", "en": "6.50 yuan per 斤"}
    assert greens["available_label"]["zh-CN"] == "在售"
    r = await h.client.post(
        P,
        json={"name": "土鸡蛋", "unit": "盒", "price_fen": 2800, "available": False},
        headers=owner,
    )
    eggs = r.json()
    # the staff see the shop but do not sell in it; another merchant does not see it
    assert_problem(
        await h.client.post(P, json={"name": "x", "price_fen": 1}, headers=h.staff(community)),
        403,
        "commerce.not_shop_owner",
    )
    assert_problem(
        await h.client.post(
            P, json={"name": "x", "price_fen": 1}, headers=h.merchant(community, "m-far")
        ),
        404,
        "commerce.shop_not_found",
    )

    # a resident nearby: nearest first with the distance in words, products on sale only
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    resident = h.resident(household)
    r = await h.client.get(S, params={"lat": HOME[0], "lng": HOME[1]}, headers=resident)
    items = r.json()["items"]
    assert [i["id"] for i in items] == [near["id"], far["id"]]
    assert items[0]["distance_label"]["zh-CN"].endswith("米") and items[0]["flagged"] is None
    r = await h.client.get(
        S, params={"lat": HOME[0], "lng": HOME[1], "radius_m": 500}, headers=resident
    )
    assert [i["id"] for i in r.json()["items"]] == [near["id"]]
    r = await h.client.get(P, headers=resident)
    assert [p["name"] for p in r.json()["items"]] == ["有机青菜"]
    r = await h.client.get(P, headers=owner)
    assert {p["name"] for p in r.json()["items"]} == {"有机青菜", "土鸡蛋"}

    # the merchant changes a price and puts the eggs on sale
    r = await h.client.patch(
        f"{P}/{eggs['id']}", json={"available": True, "price_fen": 2600}, headers=owner
    )
    assert r.json()["price_label"]["zh-CN"] == "26 元/盒" and r.json()["available"]
    r = await h.client.get(P, headers=resident)
    assert [p["name"] for p in r.json()["items"]] == ["土鸡蛋", "有机青菜"]
    assert_problem(
        await h.client.patch(f"{P}/{uuid.uuid4()}", json={"available": False}, headers=owner),
        404,
        "commerce.product_not_found",
    )

    # another community sees nothing; bad input is problem+json
    other = h.resident("hh-elsewhere")
    r = await h.client.get(S, headers=other)
    assert near["id"] not in [i["id"] for i in r.json()["items"]]
    assert_problem(await h.client.get(P, headers=other), 404, "commerce.shop_not_found")
    assert_problem(
        await h.client.get(S, params={"lat": 39.9}, headers=resident),
        422,
        "commerce.location_incomplete",
    )
    for bad in ({"name": "x", "price_fen": 0}, {"name": "x", "price_fen": 1.5}, {"price_fen": 5}):
        assert_problem(
            await h.client.post(P, json=bad, headers=owner), 422, "request.validation_failed"
        )
    assert_problem(
        await h.client.post(S, json=storefront(near_id, latitude=91), headers=owner),
        422,
        "request.validation_failed",
    )


async def test_a_shop_at_a_room_where_people_live_is_flagged_for_the_grid_worker(
    harness: Harness, community: str
) -> None:
    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)  # lives in room r-<household>
    mid = await verified_merchant(h, community, "m-live", name="小卖部")
    owner = h.merchant(community, "m-live")
    r = await h.client.post(S, json=storefront(mid, room_id="r-empty"), headers=owner)
    s = r.json()
    assert s["flagged"] is False
    # the merchant names the room where a household is registered: flagged
    r = await h.client.patch(f"{S}/{s['id']}", json={"room_id": f"r-{household}"}, headers=owner)
    assert r.json()["flagged"] is True
    assert r.json()["flag_label"]["zh-CN"] == "登记的房屋有住户居住，可能存在住人现象"

    staff = h.staff(community)
    r = await h.client.get(S, params={"flagged": True}, headers=staff)
    assert [i["id"] for i in r.json()["items"]] == [s["id"]]
    # residents never see the flag, nor find shops by it
    resident = h.resident(household)
    r = await h.client.get(f"{S}/{s['id']}", headers=resident)
    assert r.json()["flagged"] is None and r.json()["flag_label"] is None
    r = await h.client.get(S, params={"flagged": True}, headers=resident)
    assert r.json()["items"] == []

    # the flag is published once for work-orders to open the grid worker's case, with
    # the reason in words (zh-CN and en) and the shop's building from the household's
    def flagged(found: list[Any]) -> list[Any]:
        return [e.data for e in found if e.data.get("shop_id") == s["id"]]

    [flag] = flagged(await h.read(ShopFlaggedV1, lambda found: bool(flagged(found))))
    assert flag["reason"] == "residential" and flag["community_id"] == community
    assert flag["reason_zh"] == "登记的房屋有住户居住，可能存在住人现象"
    assert flag["reason_en"] == "People are registered as living at the shop's address"
    assert flag["shop_name"] == "幸福里 生鲜小铺" and flag["address"] == "幸福里社区 3号楼底商 102"
    assert flag["building_id"] == "b-7" and flag["room_id"] == f"r-{household}"
    assert s["id"] not in flag["reason_zh"]
    # the room emptied of its household clears the flag
    r = await h.client.patch(f"{S}/{s['id']}", json={"room_id": "r-empty"}, headers=owner)
    assert r.json()["flagged"] is False
