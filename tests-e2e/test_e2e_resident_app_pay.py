"""EV charging and the payment history in the residents' app, in a real browser at phone
size (the phone, sign-in and screenshots of test_e2e_resident_app.py), against the stack
`make run` starts, whose parking-payment runs a simulated OCPP 1.6J pile, CP-DEMO-01
(charger_sim.py), registered by its demo in the demo community:

- from home, Services → 电动车充电: the resident types the pile's code and starts it; the
  charge appears with its energy and cost so far and the energy rises as the pile's meter
  values come in (no reload); she stops it and sees the bill; she pays it through the local
  WeChat Pay simulator; 我的 → 支付记录 shows the order in words (汽车充电费, the amount in
  元, 已支付), newest first.

Screenshots go to tests-e2e/artifacts/app-*.png (gitignored). Every wait is a Playwright
expectation or a polled condition with a generous bound; nothing sleeps.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect
from test_e2e_resident_app import phone, shot, sign_in

from e2e_kit import home_of, wait_until

PILE = "CP-DEMO-01"


def kwh(text: str) -> float:
    found = re.search(r"([\d.]+)\s*度", text)
    assert found, text
    return float(found.group(1))


@pytest.mark.exclusive("resident-orders")
def test_a_resident_charges_stops_pays_and_sees_the_order(
    browser: Browser, gateway_url: str, login: Any, state_dir: str
) -> None:
    api = httpx.Client(base_url=gateway_url, timeout=30)
    resident, manager = login("resident"), login("property_manager")
    community = home_of(api, resident)["community_id"]

    def pile_online() -> bool:
        # registering it again as the property would changes nothing; the answer says
        # whether the simulated pile is connected to the central system
        r = api.put(
            f"/api/v1/charging/charge-points/{PILE}",
            headers=manager,
            json={"community_id": community, "name": "地下车库 1号充电桩",
                  "energy_price": 80, "service_fee": 60},
        )  # fmt: skip
        assert r.status_code == 200, r.text
        return bool(r.json()["online"])

    wait_until(pile_online, 300, "the simulated pile connected")

    page = phone(browser, gateway_url)
    sign_in(page)
    page.locator(".uni-tabbar__item").filter(has_text="服务").tap()
    page.get_by_test_id("service-charging").tap()
    page.get_by_test_id("charge-code").locator("input").fill(PILE)
    page.get_by_test_id("charge-start").tap()

    # the pile starts the transaction, then its meter values come in every 2 s
    live = page.get_by_test_id("charge-live")
    expect(live).to_contain_text("地下车库 1号充电桩", timeout=120_000)
    expect(live).to_contain_text("充电中")
    energy = live.get_by_test_id("charge-energy")
    expect(energy).not_to_have_text("0.00 度", timeout=60_000)
    first = kwh(energy.inner_text())
    expect(energy).not_to_have_text(energy.inner_text(), timeout=60_000)  # it rises
    assert kwh(energy.inner_text()) > first
    expect(live.get_by_test_id("charge-cost")).to_contain_text("元")
    expect(live).to_contain_text("每度 1.40 元")
    shot(page, "charging")

    page.get_by_test_id("charge-stop").tap()
    done = page.get_by_test_id("charge-done")
    expect(done).to_contain_text("本次充电已结束", timeout=120_000)
    expect(done).to_contain_text("待支付")
    bill = done.get_by_test_id("charge-bill").inner_text()
    assert re.fullmatch(r"\d+\.\d\d 元", bill) and bill != "0.00 元", bill
    shot(page, "charge-done")

    done.get_by_test_id("charge-pay").tap()
    expect(page.get_by_test_id("pay-amount")).to_have_text(bill)
    expect(page.get_by_test_id("pay-what")).to_contain_text("地下车库 1号充电桩")
    page.get_by_test_id("provider-wechat").tap()
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/payments/orders") and r.request.method == "POST"
    ) as created:
        page.get_by_test_id("pay").tap()
    assert created.value.status == 201, created.value.text()
    order = created.value.json()
    assert order["purpose"] == "ev_charging"
    assert f"{order['amount'] / 100:.2f} 元" == bill  # the service's bill, not the app's
    sim = json.loads((Path(state_dir) / "parking-payment" / "payment-sim" / "sim.json").read_text())
    paid = httpx.post(
        sim["wechat_url"] + "/sim/pay", json={"code_url": order["pay"]["code_url"]}, timeout=30
    )
    assert paid.status_code == 200, paid.text
    expect(page.get_by_test_id("pay-state")).to_have_text("支付成功", timeout=120_000)

    # 我的 → 支付记录: the order in words, newest first
    page.goto("/app/pages/me/index")
    page.get_by_test_id("me-orders").tap()
    newest = page.get_by_test_id("order").first
    expect(newest.get_by_test_id("order-what")).to_have_text("汽车充电费")
    expect(newest.get_by_test_id("order-amount")).to_have_text(bill)
    expect(newest.get_by_test_id("order-state")).to_have_text("已支付", timeout=60_000)
    expect(newest).not_to_contain_text("ev_charging")
    expect(newest).not_to_contain_text("succeeded")
    shot(page, "orders")
    assert page.external_requests == [], page.external_requests  # type: ignore[attr-defined]
    page.context.close()
    api.close()
