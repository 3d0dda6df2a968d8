"""A shop order's payment that commerce will not keep (the household cancelled before
this service saw it; the merchant refused the paid order; a second payment) is refunded
in full through the provider, once: the app on a real PostgreSQL and Kafka, the payment
simulators in their own process, commerce's ``ShopOrderChangedV1`` with
``refund_payment_order_id`` handed to the shop-orders consumer as Kafka would."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from test_parking_payment_api import app_client, shop_order_event  # noqa: F401 (fixture)

from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer


async def pay_shop_order(client: Any, settings: Any, payer: dict[str, str], target: str) -> str:
    """The household pays the order through the WeChat Pay simulator; the payment is
    found by recovery. Returns the payment order's id."""
    r = await client.post(
        "/api/v1/payments/orders",
        headers={**payer, "Idempotency-Key": uuid.uuid4().hex},
        json={"purpose": "shop_order", "target_id": target, "provider": "wechat", "channel": "qr"},
    )
    assert r.status_code == 201, r.text
    order = r.json()
    sim = json.loads((Path(settings.payment_simulator_dir) / "sim.json").read_text())
    async with httpx.AsyncClient() as http:
        paid = await http.post(
            sim["wechat_url"] + "/sim/pay",
            json={"code_url": order["pay"]["code_url"], "deliver": False},
        )
    assert paid.status_code == 200
    jobs = client.app.state.usecases.jobs
    jobs.grace = timedelta(0)
    assert await jobs.settle_open_orders() >= 1
    r = await client.get(f"/api/v1/payments/orders/{order['id']}", headers=payer)
    assert r.json()["status"] == "succeeded"
    payment: str = order["id"]
    return payment


async def refunded_in_full(client: Any, payer: dict[str, str], payment: str) -> dict[str, Any]:
    """The refund job asks the provider until it confirms the refund (bounded)."""
    jobs = client.app.state.usecases.jobs
    for _ in range(120):
        r = await client.get(f"/api/v1/payments/orders/{payment}", headers=payer)
        if r.json()["refund_state"] == "full":
            found: dict[str, Any] = r.json()
            return found
        await jobs.settle_refunds()
        await asyncio.sleep(0.5)
    raise AssertionError(f"not refunded: {r.text}")


async def refunds_of(database_url: str, payment: str) -> tuple[list[Any], list[dict[str, Any]]]:
    conn = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        refunds = await conn.fetch(
            "SELECT amount, status, reason FROM payment_refunds WHERE order_id = $1",
            uuid.UUID(payment),
        )
        events = await conn.fetch(
            "SELECT convert_from(payload, 'UTF8') AS p FROM event_outbox"
            " WHERE headers::text LIKE $1",
            "%community.payment.refunded.v1%",
        )
    finally:
        await conn.close()
    told = [json.loads(e["p"]) for e in events if payment in e["p"]]
    return list(refunds), told


async def test_a_payment_for_an_order_cancelled_meanwhile_is_refunded_once(
    app_client,  # noqa: F811
    issuer: LocalIssuer,
    module_database_url: str,
):
    client, settings = app_client
    runtime = client.app.state.runtime
    [consumer] = [c for c in runtime.consumers if c.name == "shop-orders"]
    target, household = str(uuid.uuid4()), f"h-{uuid.uuid4().hex[:8]}"
    payer = issuer.bearer(f"res-{household}", grants=[Grant("resident", "household", household)])
    assert await consumer.handle_event(shop_order_event(target, household)) == "processed"
    payment = await pay_shop_order(client, settings, payer, target)

    # commerce had the order cancelled before the payment came: it is due back in full
    due = shop_order_event(
        target,
        household,
        status="cancelled",
        change="paid",
        paid=True,
        payable=False,
        changed_at=datetime.now(UTC) + timedelta(seconds=1),
        refund_payment_order_id=payment,
    )
    assert await consumer.handle_event(due) == "processed"
    order = await refunded_in_full(client, payer, payment)
    assert order["refunded"] == 1950 and order["status"] == "succeeded"

    # told again (redelivered; another event naming the same payment): nothing more
    assert await consumer.handle_event(due) == "duplicate"
    again = shop_order_event(
        target,
        household,
        status="cancelled",
        change="paid",
        paid=True,
        payable=False,
        changed_at=datetime.now(UTC) + timedelta(seconds=2),
        refund_payment_order_id=payment,
    )
    assert await consumer.handle_event(again) == "processed"
    await client.app.state.usecases.jobs.settle_refunds()
    refunds, told = await refunds_of(module_database_url, payment)
    assert [(r["amount"], r["status"], r["reason"]) for r in refunds] == [
        (1950, "succeeded", "商铺订单已取消，全额退款")
    ]
    assert [(t["purpose"], t["target_id"], t["amount_fen"], t["full"]) for t in told] == [
        ("shop_order", target, 1950, True)
    ]
    r = await client.get(f"/api/v1/payments/orders/{payment}", headers=payer)
    assert r.json()["refunded"] == 1950 and r.json()["refund_state"] == "full"


async def test_a_refused_paid_order_is_refunded_and_a_payment_of_another_order_is_not(
    app_client,  # noqa: F811
    issuer: LocalIssuer,
    module_database_url: str,
):
    client, settings = app_client
    runtime = client.app.state.runtime
    [consumer] = [c for c in runtime.consumers if c.name == "shop-orders"]
    household = f"h-{uuid.uuid4().hex[:8]}"
    payer = issuer.bearer(f"res-{household}", grants=[Grant("resident", "household", household)])
    kept, refused = str(uuid.uuid4()), str(uuid.uuid4())
    for target in (kept, refused):
        await consumer.handle_event(shop_order_event(target, household))
    kept_payment = await pay_shop_order(client, settings, payer, kept)
    refused_payment = await pay_shop_order(client, settings, payer, refused)

    # an event of one order naming another order's payment refunds nothing
    stray = shop_order_event(
        refused,
        household,
        status="refused",
        change="refused",
        paid=True,
        payable=False,
        changed_at=datetime.now(UTC) + timedelta(seconds=1),
        refund_payment_order_id=kept_payment,
    )
    assert await consumer.handle_event(stray) == "processed"
    # the merchant refused the paid order: its payment is refunded in full
    refusal = shop_order_event(
        refused,
        household,
        status="refused",
        change="refused",
        paid=True,
        payable=False,
        changed_at=datetime.now(UTC) + timedelta(seconds=2),
        refund_payment_order_id=refused_payment,
    )
    assert await consumer.handle_event(refusal) == "processed"
    order = await refunded_in_full(client, payer, refused_payment)
    assert order["refunded"] == 1950
    refunds, _ = await refunds_of(module_database_url, refused_payment)
    assert [r["reason"] for r in refunds] == ["商户拒单，全额退款"]
    r = await client.get(f"/api/v1/payments/orders/{kept_payment}", headers=payer)
    assert r.json()["refunded"] == 0 and r.json()["refund_state"] == "none"
    refunds, told = await refunds_of(module_database_url, kept_payment)
    assert refunds == [] and told == []
