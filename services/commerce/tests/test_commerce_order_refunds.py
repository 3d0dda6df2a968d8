"""Refunds of shop orders through commerce's API, on a real PostgreSQL and Kafka: the
merchant refuses a paid order with a reason and its payment is due back in full; a second
payment of an order is due back while the first is kept; parking-payment is told which
payment to refund on ``commerce.orders.v1`` (``refund_payment_order_id``), once however
often the payment is told; its refund event marks the order refunded, in words."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from test_commerce_api import assert_problem
from test_commerce_orders import ORD, a_shop, paid_event

from commerce_helpers import Harness, eventually
from sc_contracts.events import ShopOrderChangedV1
from sc_contracts.events.payment import PaymentOrderPaidV1, PaymentRefundedV1


def refunded_event(paid: PaymentOrderPaidV1, amount: int | None = None) -> PaymentRefundedV1:
    amount = amount or paid.amount_fen
    return PaymentRefundedV1(
        order_id=paid.order_id,
        refund_id=str(uuid.uuid4()),
        out_refund_no=uuid.uuid4().hex[:32],
        amount_fen=amount,
        refunded_total_fen=amount,
        full=amount == paid.amount_fen,
        purpose="shop_order",
        target_id=paid.target_id,
        community_id=paid.community_id,
        refunded_at=datetime.now(UTC),
    )


async def refunds_asked(h: Harness, oid: str, until: Any) -> list[str]:
    """The payments parking-payment was told to refund for order ``oid``."""
    found = await h.read(
        ShopOrderChangedV1,
        lambda events: until(
            [e.data["refund_payment_order_id"] for e in events if e.data["order_id"] == oid
             and e.data.get("refund_payment_order_id")]
        ),
    )  # fmt: skip
    return [
        e.data["refund_payment_order_id"]
        for e in found
        if e.data["order_id"] == oid and e.data.get("refund_payment_order_id")
    ]


async def test_the_merchant_refuses_a_paid_order_and_the_household_reads_its_refund(
    harness: Harness, community: str
) -> None:
    h = harness
    sid, owner, greens, _ = await a_shop(h, community, "m-refund")
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    resident = h.resident(household)
    r = await h.client.post(
        ORD,
        json={"shop_id": sid, "items": [{"product_id": greens, "quantity": 2}]},
        headers=resident,
    )
    oid = r.json()["id"]
    await h.client.post(f"{ORD}/{oid}/accept", headers=owner)
    pay = paid_event(oid, 1300, household, community)
    await h.send(pay, key=oid)

    async def paid() -> bool:
        r = await h.client.get(f"{ORD}/{oid}", headers=resident)
        return bool(r.json()["paid"])

    assert await eventually(paid)
    r = await h.client.get(f"{ORD}/{oid}", headers=resident)
    assert r.json()["refund_state"] == "none" and r.json()["refund_label"] is None
    # the household may not cancel a paid order; the merchant refuses it, with a reason
    r = await h.client.post(f"{ORD}/{oid}/cancel", headers=resident)
    assert_problem(r, 409, "commerce.order_paid")
    assert "商户" in r.json()["detail"]
    assert_problem(
        await h.client.post(f"{ORD}/{oid}/refuse", headers=owner),
        422,
        "commerce.refuse_reason_required",
    )
    r = await h.client.post(f"{ORD}/{oid}/refuse", json={"reason": "青菜已售完"}, headers=owner)
    assert r.status_code == 200, r.text
    refused = r.json()
    assert refused["status"] == "refused" and refused["refuse_reason"] == "青菜已售完"
    assert refused["paid"] is True and refused["refund_state"] == "due"
    assert refused["refund_fen"] == 1300
    assert refused["refund_label"]["zh-CN"] == "商户已拒单，已付的 13 元正在原路退回"
    assert refused["refund_label"]["en"] == (
        "The shop refused the order: the 13 yuan paid is being refunded to how you paid"
    )

    # the payment told again (redelivered, or by another event) asks for nothing more;
    # the refund event, after them on the same partition, shows they were all read
    await h.send(pay, key=oid)
    await h.send(pay.model_copy(), key=oid)
    await h.send(refunded_event(pay), key=oid)

    async def refunded() -> bool:
        r = await h.client.get(f"{ORD}/{oid}", headers=resident)
        return r.json()["refund_state"] == "refunded"

    assert await eventually(refunded)
    assert await refunds_asked(h, oid, lambda asked: len(asked) >= 1) == [pay.order_id]
    r = await h.client.get(f"{ORD}/{oid}", headers=resident)
    assert r.json()["refund_label"] == {
        "zh-CN": "已退款 13 元，原路退回",
        "en": "13 yuan refunded to how you paid",
    }
    assert r.json()["refunded_at"] is not None and r.json()["status"] == "refused"
    # the merchant and the staff read the same
    for who in (owner, h.staff(community)):
        r = await h.client.get(f"{ORD}/{oid}", headers=who)
        assert r.json()["refund_state"] == "refunded", r.text


async def test_a_second_payment_is_due_back_and_the_first_is_kept(
    harness: Harness, community: str
) -> None:
    h = harness
    sid, owner, greens, _ = await a_shop(h, community, "m-twice")
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    resident = h.resident(household)

    async def order() -> str:
        r = await h.client.post(
            ORD,
            json={"shop_id": sid, "items": [{"product_id": greens, "quantity": 1}]},
            headers=resident,
        )
        oid: str = r.json()["id"]
        return oid

    oid, later = await order(), await order()
    first = paid_event(oid, 650, household, community)
    second = paid_event(oid, 650, household, community)
    await h.send(first, key=oid)
    await h.send(second, key=oid)
    # a refund of the second payment leaves the order's own payment as it was; the
    # payment of another order after them on the same partition shows they were read
    await h.send(refunded_event(second), key=oid)
    await h.send(paid_event(later, 650, household, community), key=oid)

    async def later_paid() -> bool:
        r = await h.client.get(f"{ORD}/{later}", headers=resident)
        return bool(r.json()["paid"])

    assert await eventually(later_paid)
    assert await refunds_asked(h, oid, lambda asked: len(asked) >= 1) == [second.order_id]
    r = await h.client.get(f"{ORD}/{oid}", headers=resident)
    order = r.json()
    assert order["paid"] and order["status"] == "placed"
    assert order["refund_state"] == "none" and order["refund_label"] is None
    # the kept payment's order is shipped as usual
    await h.client.post(f"{ORD}/{oid}/accept", headers=owner)
    r = await h.client.post(f"{ORD}/{oid}/ship", headers=owner)
    assert r.json()["status"] == "shipped", r.text
