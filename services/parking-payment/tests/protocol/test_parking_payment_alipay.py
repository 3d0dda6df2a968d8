"""Alipay (RSA2) over real HTTP on loopback: our client and notification verifier against
the local simulator, and the independent SDK ``python-alipay-sdk`` against the same."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from pp_helpers import CallbackReceiver, wait_for

from parking_payment.adapters import keys
from parking_payment.adapters.alipay.client import AlipayClient, AlipayConfig, AlipayError
from parking_payment.adapters.alipay.notify import (
    AlipayNotification,
    CallbackRejected,
    NotifyVerifier,
)
from parking_payment.adapters.alipay.protocol import CN, content_to_sign, signed_member
from parking_payment.adapters.alipay.simulator import AlipaySimulator
from parking_payment.adapters.loopback import LoopbackServer
from parking_payment.domain.errors import DomainError
from parking_payment.domain.payments import (
    Channel,
    OrderStatus,
    Outcome,
    PaymentOrder,
    Provider,
    Purpose,
    TradeState,
)
from parking_payment.domain.reconciliation import Entry, EntryKind, Mismatch, reconcile

APP_ID, SELLER = "2021000000000001", "2088000000000001"


@pytest.fixture(scope="module")
def app_key():
    return keys.new_key()


@pytest.fixture(scope="module")
def sim(app_key):
    simulator = AlipaySimulator(
        app_id=APP_ID,
        seller_id=SELLER,
        app_public_key=app_key.public_key(),
        retry_delays=(0.0, 0.1, 0.2),
    )
    with LoopbackServer(simulator.app) as server:
        simulator.base_url = server.url
        yield simulator


@pytest.fixture(scope="module")
def verifier(sim):
    return NotifyVerifier(APP_ID, sim.alipay_public_key)


@pytest.fixture(scope="module")
def receiver(verifier):
    got: list[AlipayNotification] = []

    def handle(headers, body):
        params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        try:
            got.append(verifier.verify(params))
        except CallbackRejected as exc:
            return 200, f"fail:{exc.reason}"
        return 200, "success"

    rec = CallbackReceiver(handle)
    rec.notifications = got  # type: ignore[attr-defined]
    with LoopbackServer(rec.app) as server:
        rec.url = server.url + "/notify"  # type: ignore[attr-defined]
        yield rec


@pytest.fixture
async def client(sim, app_key, receiver):
    config = AlipayConfig(
        app_id=APP_ID,
        seller_id=SELLER,
        private_key=app_key,
        alipay_public_key=sim.alipay_public_key,
        notify_url=receiver.url,
        gateway=sim.base_url + "/gateway.do",
    )
    c = AlipayClient(config)
    yield c
    await c.aclose()


def new_order(channel: Channel = Channel.qr, amount: int = 900) -> PaymentOrder:
    now = datetime.now(UTC)
    return PaymentOrder(
        Provider.alipay,
        channel,
        amount,
        "物业费 幸福里社区 1号楼 1单元 101室 2026年12月",
        Purpose.property_bill,
        "bill-1",
        merchant_id=SELLER,
        app_id=APP_ID,
        created_at=now,
        expires_at=now + timedelta(minutes=15),
    )


async def sim_pay(sim, **body) -> dict:
    async with httpx.AsyncClient() as http:
        answer = await http.post(sim.base_url + "/sim/pay", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_qr_paid_reaches_us_as_a_verified_notification(client, sim, receiver):
    order = new_order()
    prepay = await client.prepay(order)
    order.mark_pending()
    assert prepay["qr_code"].startswith("https://qr.alipay.com/")
    # nobody has scanned yet: the trade does not exist at Alipay, closing is a no-op
    assert (await client.query(order.out_trade_no)).state is TradeState.unknown_order
    await sim_pay(sim, qr_code=prepay["qr_code"])
    note = await wait_for(
        lambda: next(
            (n for n in receiver.notifications if n.params["out_trade_no"] == order.out_trade_no),
            None,
        ),
        what="notification",
    )
    result = note.result()
    assert (result.state, result.amount, result.merchant_id) == (TradeState.paid, 900, SELLER)
    assert order.apply(result).outcome is Outcome.applied
    assert order.status is OrderStatus.succeeded
    answers = await wait_for(
        lambda: [d["answer"] for d in sim.deliveries if d["out_trade_no"] == order.out_trade_no],
        what="the simulator to record our answer",
    )
    assert answers == ["success"]  # answered once, so Alipay stops sending it


async def test_query_finds_a_payment_whose_notification_never_came(client, sim):
    order = new_order()
    await client.prepay(order)
    order.mark_pending()
    paid = await sim_pay(sim, out_trade_no=order.out_trade_no, deliver=False)
    result = await client.query(order.out_trade_no)
    assert (result.state, result.trade_no, result.amount) == (
        TradeState.paid,
        paid["trade_no"],
        900,
    )
    assert order.apply(result).outcome is Outcome.applied


async def test_every_channel(client, sim, app_key):
    mini = await client.prepay(new_order(Channel.mini_program), buyer_id="2088102146225135")
    assert mini["trade_no"]
    with pytest.raises(AlipayError):
        await client.prepay(new_order(Channel.mini_program))
    h5_order = new_order(Channel.h5)
    h5 = await client.prepay(h5_order)
    params = dict(parse_qsl(urlsplit(h5["pay_url"]).query))
    assert params["method"] == "alipay.trade.wap.pay"
    assert keys.verify(app_key.public_key(), content_to_sign(params), params["sign"])
    async with httpx.AsyncClient() as http:  # the payer's browser opens the cashier
        page = await http.get(h5["pay_url"])
    assert "支付宝收银台" in page.text
    assert (await client.query(h5_order.out_trade_no)).state is TradeState.not_paid
    web = await client.prepay(new_order(Channel.web))
    assert "alipay.trade.page.pay" in web["pay_url"]
    app = await client.prepay(new_order(Channel.app))
    assert "alipay.trade.app.pay" in app["order_string"]


async def test_close_and_refuse_to_close_paid(client, sim):
    order = new_order(Channel.mini_program)
    await client.prepay(order, buyer_id="2088102146225135")
    await client.close(order.out_trade_no)
    assert (await client.query(order.out_trade_no)).state is TradeState.closed
    paid = new_order()
    await client.prepay(paid)
    await sim_pay(sim, out_trade_no=paid.out_trade_no, deliver=False)
    with pytest.raises(AlipayError) as err:
        await client.close(paid.out_trade_no)
    assert err.value.sub_code == "ACQ.TRADE_STATUS_ERROR"


async def test_partial_and_full_refunds_and_the_bill(client, sim):
    order = new_order(amount=1000)
    await client.prepay(order)
    order.mark_pending()
    await sim_pay(sim, out_trade_no=order.out_trade_no, deliver=False)
    order.apply(await client.query(order.out_trade_no))
    now = datetime.now(UTC)
    for amount, total in ((300, "3.00"), (700, "10.00")):
        refund = order.request_refund(amount, "退还多缴物业费", "manager-1", now)
        answer = await client.refund(order, refund)
        assert (answer["fund_change"], answer["refund_fee"]) == ("Y", total)
        again = await client.refund(order, refund)  # the same request number: once
        assert again["refund_fee"] == total
        state = await client.query_refund(order, refund)
        assert state["refund_status"] == "REFUND_SUCCESS"
        order.refund_result(refund.out_refund_no, True, None, now)
    assert order.refund_state == "full"
    with pytest.raises(DomainError) as refused:  # the domain refuses before any call
        order.request_refund(1, "再退", "manager-1", now)
    assert refused.value.code == "payment.not_refundable" or refused.value.code == (
        "payment.refund_too_large"
    )
    bill = await client.trade_bill(datetime.now(CN).date())
    mine = [e for e in bill if e.number == order.out_trade_no or e.number.startswith("R")]
    mine_numbers = {(e.kind, e.number, e.amount) for e in mine}
    assert (EntryKind.payment, order.out_trade_no, 1000) in mine_numbers
    for r in order.refunds:
        assert (EntryKind.refund, r.out_refund_no, r.amount) in mine_numbers
    local = [Entry(EntryKind.payment, order.out_trade_no, 1000, SELLER)] + [
        Entry(EntryKind.refund, r.out_refund_no, r.amount, SELLER) for r in order.refunds
    ]
    ours = [
        e
        for e in bill
        if e.number in {order.out_trade_no, *(r.out_refund_no for r in order.refunds)}
    ]
    report = reconcile(Provider.alipay, datetime.now(CN).date(), SELLER, local, ours)
    assert report.balanced and report.matched == 3
    short = reconcile(Provider.alipay, datetime.now(CN).date(), SELLER, local, ours[:1])
    assert {d.kind for d in short.differences} == {Mismatch.missing_at_provider}


# -- money safety --------------------------------------------------------------------
def paid_trade(sim, amount: int = 900):
    from parking_payment.adapters.alipay.simulator import SimTrade

    now = datetime.now(CN)
    return SimTrade(
        "alipay.trade.precreate",
        "P" + "7" * 31,
        amount,
        "停车费",
        None,
        None,
        now,
        "2026120322001",
        True,
        "TRADE_SUCCESS",
        "2088x",
        now,
    )


def test_forged_replayed_and_other_app_notifications_are_refused(sim, verifier):
    good = sim.notification(paid_trade(sim))
    assert verifier.verify(good).result().amount == 900
    forged = dict(good)
    forged["sign"] = keys.sign(
        keys.new_key(), content_to_sign(forged, exclude=("sign", "sign_type"))
    )
    tampered = {**good, "total_amount": "0.01"}
    old = sim.notification(paid_trade(sim), notify_time=datetime.now(CN) - timedelta(days=3))
    cases = [
        (forged, "bad_signature"),
        (tampered, "bad_signature"),
        ({k: v for k, v in good.items() if k != "sign"}, "signature_missing"),
        ({**good, "sign_type": "RSA"}, "unsupported_signature_type"),
        (old, "timestamp_out_of_window"),
    ]
    for params, reason in cases:
        with pytest.raises(CallbackRejected) as err:
            verifier.verify(params)
        assert err.value.reason == reason
    other_app = NotifyVerifier("2021000000009999", sim.alipay_public_key)
    with pytest.raises(CallbackRejected) as err:
        other_app.verify(good)
    assert err.value.reason == "app_mismatch"


def test_genuine_notification_with_another_amount_is_not_applied(sim, verifier):
    order = new_order()
    order.mark_pending()
    trade = paid_trade(sim, amount=1)
    trade.out_trade_no = order.out_trade_no
    applied = order.apply(verifier.verify(sim.notification(trade)).result())
    assert (applied.outcome, applied.reason) == (Outcome.rejected, "amount_mismatch")
    assert order.status is OrderStatus.pending


async def test_answers_not_signed_by_alipay_are_not_believed(sim, app_key):
    config = AlipayConfig(
        app_id=APP_ID,
        seller_id=SELLER,
        private_key=app_key,
        alipay_public_key=keys.new_key().public_key(),
        notify_url="http://127.0.0.1:9/n",
        gateway=sim.base_url + "/gateway.do",
    )
    c = AlipayClient(config)
    try:
        with pytest.raises(AlipayError) as err:
            await c.query("P" + "1" * 31)  # not "unknown order": unverified
        assert err.value.code == "SIGN_INVALID"
    finally:
        await c.aclose()


async def test_requests_signed_by_another_key_are_refused(sim):
    config = AlipayConfig(
        app_id=APP_ID,
        seller_id=SELLER,
        private_key=keys.new_key(),
        alipay_public_key=sim.alipay_public_key,
        notify_url="http://127.0.0.1:9/n",
        gateway=sim.base_url + "/gateway.do",
    )
    c = AlipayClient(config)
    try:
        with pytest.raises(AlipayError) as err:
            await c.prepay(new_order())
        assert err.value.sub_code == "isv.invalid-signature"
    finally:
        await c.aclose()


def test_signed_member_is_cut_exactly_even_with_braces_in_strings():
    raw = '{"a_response":{"msg":"x}{\\"y","n":{"k":1}},"sign":"s"}'
    assert signed_member(raw, "a_response") == '{"msg":"x}{\\"y","n":{"k":1}}'
    assert signed_member(raw, "b_response") is None


# -- an implementation nobody here wrote ---------------------------------------------
@pytest.fixture
def china_time(monkeypatch):
    """The SDK stamps requests with the machine's local time, and Alipay (like the
    simulator) reads them as Beijing time: run it as a merchant's server in China does."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_the_python_alipay_sdk_against_the_simulator(sim, app_key, china_time):
    from alipay import AliPay

    sdk = AliPay(
        appid=APP_ID,
        app_notify_url=None,
        app_private_key_string=keys.private_pem(app_key),
        alipay_public_key_string=keys.public_pem(sim.alipay_public_key),
        sign_type="RSA2",
    )
    sdk._gateway = sim.base_url + "/gateway.do"  # the SDK's gateway is fixed to production
    no = "SDK" + str(int(time.time() * 1000))
    answer = await asyncio.to_thread(
        sdk.api_alipay_trade_precreate, subject="停车费", out_trade_no=no, total_amount="3.00"
    )  # the SDK verified the simulator's signature, or it would raise
    assert answer["code"] == "10000", answer
    await sim_pay(sim, qr_code=answer["qr_code"], deliver=False)
    queried = await asyncio.to_thread(sdk.api_alipay_trade_query, out_trade_no=no)
    assert (queried["trade_status"], queried["total_amount"]) == ("TRADE_SUCCESS", "3.00")
    params = sim.notification(sim.trades[no])
    signature = params.pop("sign")
    assert sdk.verify(dict(params), signature)
    assert not sdk.verify({**params, "total_amount": "0.01"}, signature)
