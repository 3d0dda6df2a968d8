"""The caller's own payment orders (``GET /api/v1/payments/my-orders``), for the residents'
app: the orders the caller created, newest first, with their state; another resident's are
never listed, nor the pay parameters; ``status`` narrows them; the query is bounded. The
app on a real PostgreSQL and Kafka, with the payment simulators, as the API tests run it."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from test_parking_payment_api import app_client, shop_order_event  # noqa: F401 (fixture)

from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer


async def test_a_resident_lists_her_own_payment_orders(app_client, issuer: LocalIssuer):  # noqa: F811
    client, settings = app_client
    runtime = client.app.state.runtime
    [consumer] = [c for c in runtime.consumers if c.name == "shop-orders"]
    household = f"h-{uuid.uuid4().hex[:8]}"
    payer = issuer.bearer(f"res-{household}", grants=[Grant("resident", "household", household)])
    other = issuer.bearer("res-elsewhere", grants=[Grant("resident", "household", "h-elsewhere")])

    async def mine(who: dict[str, str], **params: str) -> list[dict[str, object]]:
        r = await client.get("/api/v1/payments/my-orders", headers=who, params=params)
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    assert await mine(payer) == []
    made = []
    for _ in range(2):
        target = str(uuid.uuid4())
        assert await consumer.handle_event(shop_order_event(target, household)) == "processed"
        r = await client.post(
            "/api/v1/payments/orders",
            headers={**payer, "Idempotency-Key": uuid.uuid4().hex},
            json={
                "purpose": "shop_order",
                "target_id": target,
                "provider": "wechat",
                "channel": "qr",
            },
        )
        assert r.status_code == 201, r.text
        made.append(r.json())

    # the first one is paid (the simulator pays; recovery finds it)
    sim = json.loads((Path(settings.payment_simulator_dir) / "sim.json").read_text())
    async with httpx.AsyncClient() as http:
        paid = await http.post(
            sim["wechat_url"] + "/sim/pay",
            json={"code_url": made[0]["pay"]["code_url"], "deliver": False},
        )
    assert paid.status_code == 200
    jobs = client.app.state.usecases.jobs
    jobs.grace = timedelta(0)
    assert await jobs.settle_open_orders() >= 1

    listed = await mine(payer)
    assert [o["id"] for o in listed] == [made[1]["id"], made[0]["id"]]  # newest first
    assert [o["status"] for o in listed] == ["pending", "succeeded"]
    assert listed[1]["status_text"] and listed[1]["amount"] == 1950
    assert all(not o["pay"] for o in listed)  # the pay parameters are never listed
    succeeded = await mine(payer, status="succeeded")
    assert [o["id"] for o in succeeded] == [made[0]["id"]]
    assert await mine(other) == []  # never another resident's

    bad = await client.get("/api/v1/payments/my-orders", headers=payer, params={"status": "x"})
    assert bad.status_code == 422
    big = await client.get("/api/v1/payments/my-orders", headers=payer, params={"limit": 10**6})
    assert big.status_code == 422
    assert (await client.get("/api/v1/payments/my-orders")).status_code == 401
