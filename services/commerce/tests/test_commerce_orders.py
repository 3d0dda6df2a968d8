"""Shop orders through commerce's API, on a real PostgreSQL and Kafka (one app for the
module): a household orders products of its community's shop, priced in fen when ordered;
the merchant accepts, ships once paid and completes, or refuses with a reason; the
household cancels before paying; every change goes out on ``commerce.orders.v1`` and
parking-payment's payment event marks the order paid, once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from test_commerce_api import assert_problem
from test_commerce_shops import S, storefront, verified_merchant

from commerce_helpers import Harness, eventually
from sc_contracts.events import ShopOrderChangedV1
from sc_contracts.events.payment import PaymentOrderPaidV1

ORD = "/api/v1/commerce/orders"


async def a_shop(h: Harness, community: str, owner: str) -> tuple[str, dict[str, str], str, str]:
    """A verified merchant's shop with greens (6.50/斤, on sale) and eggs (not on sale)."""
    mid = await verified_merchant(h, community, owner, category="grocery")
    headers = h.merchant(community, owner)
    r = await h.client.post(S, json=storefront(mid), headers=headers)
    assert r.status_code == 201, r.text
    sid: str = r.json()["id"]
    r = await h.client.post(
        f"{S}/{sid}/products",
        json={"name": "有机青菜", "unit": "斤", "price_fen": 650},
        headers=headers,
    )
    greens: str = r.json()["id"]
    r = await h.client.post(
        f"{S}/{sid}/products",
        json={"name": "土鸡蛋", "unit": "盒", "price_fen": 2800, "available": False},
        headers=headers,
    )
    eggs: str = r.json()["id"]
    return sid, headers, greens, eggs


def paid_event(order_id: str, amount: int, household: str, community: str) -> PaymentOrderPaidV1:
    return PaymentOrderPaidV1(
        order_id=str(uuid.uuid4()),
        out_trade_no=uuid.uuid4().hex[:32],
        provider="wechat",
        channel="mini_program",
        amount_fen=amount,
        purpose="shop_order",
        target_id=order_id,
        community_id=community,
        household_id=household,
        payer_account=f"res-{household}",
        trade_no=uuid.uuid4().hex,
        paid_at=datetime.now(UTC),
    )


async def test_a_household_orders_the_merchant_works_it_and_a_payment_marks_it_paid(
    harness: Harness, community: str
) -> None:
    h = harness
    sid, owner, greens, eggs = await a_shop(h, community, "m-orders")
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    resident = h.resident(household)

    # eggs are not on sale; a product of no shop, twice the same product, nothing at all
    bad = [
        ([{"product_id": eggs, "quantity": 1}], 409, "commerce.product_unavailable"),
        ([{"product_id": str(uuid.uuid4()), "quantity": 1}], 409, "commerce.product_unavailable"),
        (
            [{"product_id": greens, "quantity": 1}, {"product_id": greens, "quantity": 2}],
            422,
            "commerce.order_duplicate_product",
        ),
        ([], 422, "commerce.order_empty"),
        ([{"product_id": greens, "quantity": 0}], 422, "request.validation_failed"),
    ]
    for items, status, code in bad:
        r = await h.client.post(ORD, json={"shop_id": sid, "items": items}, headers=resident)
        assert_problem(r, status, code)

    r = await h.client.post(
        ORD,
        json={"shop_id": sid, "items": [{"product_id": greens, "quantity": 3}], "note": "放门口"},
        headers=resident,
    )
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["total_fen"] == 1950 and order["total_label"]["zh-CN"] == "19.50 元"
    assert order["items"][0]["price_label"]["zh-CN"] == "6.50 元/斤"
    assert order["status"] == "placed" and order["status_label"]["zh-CN"] == "待商户接单"
    assert order["payable"] and not order["paid"] and order["mine"]
    oid = order["id"]

    # a later price change leaves the order as it was priced
    r = await h.client.patch(f"{S}/{sid}/products/{greens}", json={"price_fen": 700}, headers=owner)
    assert r.status_code == 200
    r = await h.client.get(f"{ORD}/{oid}", headers=resident)
    assert r.json()["total_fen"] == 1950

    # lists: the household, the merchant and the staff see it; another household does not
    for who in (resident, owner, h.staff(community)):
        r = await h.client.get(ORD, headers=who)
        assert [o["id"] for o in r.json()["items"]] == [oid], r.text
    other = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(other, community)
    r = await h.client.get(ORD, headers=h.resident(other))
    assert r.json()["items"] == []
    assert_problem(
        await h.client.get(f"{ORD}/{oid}", headers=h.resident(other)),
        404,
        "commerce.order_not_found",
    )
    r = await h.client.get(ORD, params={"status": "shipped"}, headers=owner)
    assert r.json()["items"] == []

    # only the merchant works it; shipping waits for the payment
    assert_problem(
        await h.client.post(f"{ORD}/{oid}/accept", headers=resident),
        403,
        "commerce.not_order_merchant",
    )
    r = await h.client.post(f"{ORD}/{oid}/accept", headers=owner)
    assert r.json()["status"] == "accepted" and r.json()["payable"]
    assert_problem(
        await h.client.post(f"{ORD}/{oid}/ship", headers=owner), 409, "commerce.order_unpaid"
    )
    assert_problem(
        await h.client.post(f"{ORD}/{oid}/complete", headers=owner),
        409,
        "commerce.order_step_refused",
    )

    # parking-payment's payment: of another purpose, nothing; of another amount, due back
    # (the order stays unpaid); then paid, once
    wrong = paid_event(oid, 1, household, community)
    await h.send(wrong, key=str(uuid.uuid4()))
    right = paid_event(oid, 1950, household, community)
    await h.send(right, key=right.order_id)
    await h.send(right, key=right.order_id)  # the same event again

    async def paid() -> bool:
        r = await h.client.get(f"{ORD}/{oid}", headers=resident)
        return bool(r.json()["paid"])

    assert await eventually(paid)
    r = await h.client.get(f"{ORD}/{oid}", headers=resident)
    assert r.json()["paid_label"]["zh-CN"] == "已支付" and not r.json()["payable"]
    assert_problem(
        await h.client.post(f"{ORD}/{oid}/cancel", headers=resident), 409, "commerce.order_paid"
    )
    r = await h.client.post(f"{ORD}/{oid}/ship", headers=owner)
    assert r.json()["status"] == "shipped"
    # what has left the shop is no longer refused
    assert_problem(
        await h.client.post(f"{ORD}/{oid}/refuse", json={"reason": "缺货"}, headers=owner),
        409,
        "commerce.order_step_refused",
    )
    r = await h.client.post(f"{ORD}/{oid}/complete", headers=owner)
    assert r.json()["status"] == "completed" and r.json()["status_label"]["en"] == "Completed"

    # the events: placed, accepted, paid (once), shipped, completed, and the payment of
    # the wrong amount due back (it came on another partition: its place may differ);
    # no personal data
    def mine(found: list[Any]) -> list[Any]:
        return [e.data for e in found if e.data.get("order_id") == oid]

    every = mine(await h.read(ShopOrderChangedV1, lambda found: len(mine(found)) >= 6))
    refunds = [e for e in every if e["refund_payment_order_id"] is not None]
    assert [e["refund_payment_order_id"] for e in refunds] == [wrong.order_id]
    assert refunds[0]["status"] == "accepted" and refunds[0]["payable"] is True
    events = [e for e in every if e["refund_payment_order_id"] is None]
    assert [e["change"] for e in events] == ["placed", "accepted", "paid", "shipped", "completed"]
    assert events[0]["total_fen"] == 1950 and events[0]["payable"] is True
    assert events[2]["paid"] is True and events[2]["payable"] is False
    assert events[0]["household_id"] == household and "note" not in events[0]


async def test_the_merchant_refuses_with_a_reason_the_household_cancels_before_paying(
    harness: Harness, community: str
) -> None:
    h = harness
    sid, owner, greens, _ = await a_shop(h, community, "m-refuse")
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    resident = h.resident(household)

    async def order() -> str:
        r = await h.client.post(
            ORD,
            json={"shop_id": sid, "items": [{"product_id": greens, "quantity": 1}]},
            headers=resident,
        )
        assert r.status_code == 201, r.text
        oid: str = r.json()["id"]
        return oid

    first, second = await order(), await order()
    assert_problem(
        await h.client.post(f"{ORD}/{first}/refuse", headers=owner),
        422,
        "commerce.refuse_reason_required",
    )
    r = await h.client.post(
        f"{ORD}/{first}/refuse", json={"reason": "今日青菜已售完"}, headers=owner
    )
    assert r.json()["status"] == "refused" and r.json()["refuse_reason"] == "今日青菜已售完"
    assert not r.json()["payable"]
    # the merchant does not cancel for the household, nor the household refuse
    assert_problem(
        await h.client.post(f"{ORD}/{second}/cancel", headers=owner),
        403,
        "commerce.not_order_household",
    )
    r = await h.client.post(f"{ORD}/{second}/cancel", headers=resident)
    assert r.json()["status"] == "cancelled"
    assert_problem(
        await h.client.post(f"{ORD}/{second}/cancel", headers=resident),
        409,
        "commerce.order_step_refused",
    )
    # a payment that comes for a cancelled order (parking-payment had not yet seen the
    # cancel) is recorded on it as due back, never as a live order: once a payment sent
    # after it on the same partition (same key) is applied, the first was read too
    third = await order()
    key = str(uuid.uuid4())
    late = paid_event(second, 650, household, community)
    await h.send(late, key=key)
    await h.send(paid_event(third, 650, household, community), key=key)

    async def third_paid() -> bool:
        r = await h.client.get(f"{ORD}/{third}", headers=resident)
        return bool(r.json()["paid"])

    assert await eventually(third_paid)
    r = await h.client.get(ORD, params={"status": "cancelled"}, headers=resident)
    assert [o["id"] for o in r.json()["items"]] == [second]
    cancelled = r.json()["items"][0]
    assert cancelled["status"] == "cancelled" and not cancelled["payable"]
    assert cancelled["paid"] is True and cancelled["refund_state"] == "due"
    assert cancelled["refund_fen"] == 650 and cancelled["refunded_at"] is None
    assert cancelled["refund_label"] == {
        "zh-CN": "订单已取消，已付的 6.50 元正在原路退回",
        "en": "The order was cancelled: the 6.50 yuan paid is being refunded to how you paid",
    }
    # parking-payment is told which payment to refund: on the order's own topic
    due = [
        e.data
        for e in await h.read(
            ShopOrderChangedV1,
            lambda found: any(
                e.data.get("refund_payment_order_id") == late.order_id for e in found
            ),
        )
        if e.data.get("order_id") == second
    ]
    assert [(e["change"], e["status"], e["refund_payment_order_id"]) for e in due][-1] == (
        "paid",
        "cancelled",
        late.order_id,
    )
    assert_problem(
        await h.client.post(f"{ORD}/{first}/frobnicate", headers=owner),
        422,
        "request.validation_failed",
    )


async def test_a_household_orders_only_from_its_own_community(
    harness: Harness, community: str
) -> None:
    h = harness
    sid, _, greens, _ = await a_shop(h, community, "m-far-away")
    elsewhere = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(elsewhere, f"c-{uuid.uuid4().hex[:10]}")
    body = {"shop_id": sid, "items": [{"product_id": greens, "quantity": 1}]}
    r = await h.client.post(ORD, json=body, headers=h.resident(elsewhere))
    assert_problem(r, 403, "commerce.shop_out_of_reach")
    # a household of someone else, and staff without a household, may not order
    home = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(home, community)
    r = await h.client.post(ORD, json={**body, "household_id": home}, headers=h.resident(elsewhere))
    assert_problem(r, 403, "commerce.household_required")
    r = await h.client.post(ORD, json=body, headers=h.staff(community))
    assert_problem(r, 403, "commerce.household_required")
    r = await h.client.post(
        ORD, json={**body, "shop_id": str(uuid.uuid4())}, headers=h.resident(home)
    )
    assert_problem(r, 404, "commerce.shop_not_found")
