"""WeChat Pay v3 over real HTTP on loopback: our client and verifier against the local
simulator, and the independent SDK ``wechatpayv3`` against the same simulator."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pp_helpers import CallbackReceiver, wait_for

from parking_payment.adapters import keys
from parking_payment.adapters.loopback import LoopbackServer
from parking_payment.adapters.wechatpay.client import (
    WeChatPayClient,
    WeChatPayConfig,
    WeChatPayError,
)
from parking_payment.adapters.wechatpay.notify import (
    CallbackRejected,
    Notification,
    Verifier,
    transaction_result,
)
from parking_payment.adapters.wechatpay.simulator import WeChatPaySimulator
from parking_payment.domain.payments import (
    Channel,
    OrderStatus,
    Outcome,
    PaymentOrder,
    Provider,
    Purpose,
    TradeState,
)
from parking_payment.domain.reconciliation import EntryKind, Mismatch, reconcile

MCHID, APPID, MINI_APPID, SERIAL = (
    "1900000109",
    "wx8888888888888888",
    "wx7777777777777777",
    "5A1B2C3D4E5F60718293A4B5C6D7E8F901234567",
)
CN = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def merchant_key():
    return keys.new_key()


@pytest.fixture(scope="module")
def apiv3_key() -> bytes:
    return secrets.token_hex(16).encode()  # 32 ASCII characters, as merchants set them


@pytest.fixture(scope="module")
def sim(merchant_key, apiv3_key):
    simulator = WeChatPaySimulator(
        mchid=MCHID,
        appids={APPID, MINI_APPID},
        merchant_public_key=merchant_key.public_key(),
        merchant_serial=SERIAL,
        apiv3_key=apiv3_key,
        retry_delays=(0.0, 0.1, 0.2),
    )
    with LoopbackServer(simulator.app) as server:
        simulator.url = server.url  # type: ignore[attr-defined]
        yield simulator


@pytest.fixture(scope="module")
def verifier(sim, apiv3_key):
    return Verifier(apiv3_key, {sim.public_key_id: sim.platform_public_key})


@pytest.fixture(scope="module")
def receiver(verifier):
    got: list[Notification] = []

    def handle(headers, body):
        try:
            got.append(verifier.notification(headers, body))
        except CallbackRejected as exc:
            return 401, {"code": "FAIL", "message": exc.reason}
        return 204, None

    rec = CallbackReceiver(handle)
    rec.notifications = got  # type: ignore[attr-defined]
    with LoopbackServer(rec.app) as server:
        rec.url = server.url + "/notify"  # type: ignore[attr-defined]
        yield rec


@pytest.fixture
async def client(sim, merchant_key, apiv3_key, receiver):
    config = WeChatPayConfig(
        mchid=MCHID,
        appid=APPID,
        serial_no=SERIAL,
        private_key=merchant_key,
        apiv3_key=apiv3_key,
        platform_keys={sim.public_key_id: sim.platform_public_key},
        notify_url=receiver.url,
        base_url=sim.url,
        channel_appids={Channel.mini_program: MINI_APPID},
    )
    c = WeChatPayClient(config)
    yield c
    await c.aclose()


def new_order(client: WeChatPayClient, channel: Channel = Channel.qr, amount: int = 900):
    now = datetime.now(UTC)
    return PaymentOrder(
        Provider.wechat,
        channel,
        amount,
        "停车费 京A12345 停车2小时10分钟",
        Purpose.parking,
        "session-1",
        merchant_id=MCHID,
        app_id=client.config.appid_for(channel),
        created_at=now,
        expires_at=now + timedelta(minutes=15),
    )


async def sim_pay(client: WeChatPayClient, **body) -> dict:
    answer = await client.http.post(client.config.base_url + "/sim/pay", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def notification_for(receiver, out_trade_no: str, event: str = "TRANSACTION.SUCCESS"):
    return next(
        (
            n
            for n in receiver.notifications
            if n.event_type == event and n.resource.get("out_trade_no") == out_trade_no
        ),
        None,
    )


async def test_qr_order_paid_by_the_payer_reaches_us_as_a_verified_callback(client, receiver):
    order = new_order(client)
    prepay = await client.prepay(order)
    order.mark_pending()
    assert prepay["code_url"].startswith("weixin://wxpay/bizpayurl?pr=")
    await sim_pay(client, code_url=prepay["code_url"])  # the resident scans the code
    note = await wait_for(lambda: notification_for(receiver, order.out_trade_no), what="callback")
    result = transaction_result(note.resource)
    assert (result.state, result.amount, result.merchant_id) == (TradeState.paid, 900, MCHID)
    assert order.apply(result).outcome is Outcome.applied
    assert order.status is OrderStatus.succeeded
    assert order.apply(result).outcome is Outcome.unchanged  # the same callback again


async def test_query_finds_a_payment_whose_callback_never_came(client, sim):
    order = new_order(client)
    await client.prepay(order)
    order.mark_pending()
    assert (await client.query(order.out_trade_no)).state is TradeState.not_paid
    paid = await sim_pay(client, out_trade_no=order.out_trade_no, deliver=False)
    result = await client.query(order.out_trade_no)
    assert (result.state, result.trade_no, result.amount) == (
        TradeState.paid,
        paid["transaction_id"],
        900,
    )
    assert order.apply(result).outcome is Outcome.applied


async def test_unknown_order_query(client):
    assert (await client.query("P" + "0" * 31)).state is TradeState.unknown_order


async def test_jsapi_and_app_answers_are_signed_for_the_payers_app(client, merchant_key):
    mini = new_order(client, Channel.mini_program)
    params = await client.prepay(mini, openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
    assert params["appId"] == MINI_APPID
    message = (
        f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    )
    assert keys.verify(merchant_key.public_key(), message, params["paySign"])
    with pytest.raises(WeChatPayError):
        await client.prepay(new_order(client, Channel.jsapi))  # no openid
    app = await client.prepay(new_order(client, Channel.app))
    message = f"{app['appid']}\n{app['timestamp']}\n{app['noncestr']}\n{app['prepayid']}\n"
    assert keys.verify(merchant_key.public_key(), message, app["sign"])
    h5 = await client.prepay(new_order(client, Channel.h5), client_ip="127.0.0.1")
    assert h5["h5_url"].startswith("https://")


async def test_close_unpaid_and_refuse_to_close_paid(client):
    order = new_order(client)
    await client.prepay(order)
    await client.close(order.out_trade_no)
    assert (await client.query(order.out_trade_no)).state is TradeState.closed
    paid = new_order(client)
    await client.prepay(paid)
    await sim_pay(client, out_trade_no=paid.out_trade_no, deliver=False)
    with pytest.raises(WeChatPayError) as err:
        await client.close(paid.out_trade_no)
    assert err.value.code == "ORDERPAID"


async def test_same_out_trade_no_with_another_amount_is_refused_by_the_provider(client):
    order = new_order(client)
    await client.prepay(order)
    await client.prepay(order)  # the same request again is fine
    order.amount = 1
    with pytest.raises(WeChatPayError) as err:
        await client.prepay(order)
    assert err.value.code == "INVALID_REQUEST"


async def test_partial_and_full_refund_with_verified_refund_callbacks(client, receiver):
    order = new_order(client, amount=1000)
    await client.prepay(order)
    order.mark_pending()
    await sim_pay(client, out_trade_no=order.out_trade_no, deliver=False)
    order.apply(await client.query(order.out_trade_no))
    now = datetime.now(UTC)
    for amount in (400, 600):
        refund = order.request_refund(amount, "停车费多缴退还", "staff-1", now)
        answer = await client.refund(order, refund)
        assert answer["status"] in ("PROCESSING", "SUCCESS")
        note = await wait_for(
            lambda r=refund: next(
                (
                    n
                    for n in receiver.notifications
                    if n.event_type == "REFUND.SUCCESS"
                    and n.resource["out_refund_no"] == r.out_refund_no
                ),
                None,
            ),
            what="refund callback",
        )
        assert note.resource["amount"]["refund"] == amount
        order.refund_result(refund.out_refund_no, True, note.resource["refund_id"], now)
    assert (order.refunded, order.refund_state) == (1000, "full")
    assert (await client.query_refund(refund.out_refund_no))["status"] == "SUCCESS"
    assert (await client.query(order.out_trade_no)).state is TradeState.refunded


async def test_trade_bill_reconciles_and_names_a_payment_we_did_not_record(client):
    recorded = new_order(client, amount=500)
    lost = new_order(client, amount=700)
    for o in (recorded, lost):
        await client.prepay(o)
        await sim_pay(client, out_trade_no=o.out_trade_no, deliver=False)
    recorded.apply(await client.query(recorded.out_trade_no))
    day = datetime.now(CN).date()
    bill = await client.trade_bill(day)
    ours = [e for e in bill if e.number in (recorded.out_trade_no, lost.out_trade_no)]
    assert {(e.kind, e.number, e.amount) for e in ours} == {
        (EntryKind.payment, recorded.out_trade_no, 500),
        (EntryKind.payment, lost.out_trade_no, 700),
    }
    from parking_payment.domain.reconciliation import Entry

    local = [Entry(EntryKind.payment, recorded.out_trade_no, 500, MCHID)]
    report = reconcile(Provider.wechat, day, MCHID, local, ours)
    assert report.matched == 1
    assert [(d.kind, d.number) for d in report.differences] == [
        (Mismatch.missing_locally, lost.out_trade_no)
    ]


async def test_bill_of_an_empty_day(client):
    assert await client.trade_bill(date(2020, 1, 1)) == []


# -- money safety: callbacks that must be refused -----------------------------------
def paid_resource(order_no: str, amount: int = 900) -> dict:
    return {
        "appid": APPID,
        "mchid": MCHID,
        "out_trade_no": order_no,
        "transaction_id": "4200000000001",
        "trade_type": "NATIVE",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "success_time": datetime.now(CN).isoformat(timespec="seconds"),
        "payer": {"openid": "o-1"},
        "amount": {"total": amount, "currency": "CNY"},
    }


def test_genuine_callback_verifies(sim, verifier):
    headers, body = sim.callback(
        "TRANSACTION.SUCCESS", "transaction", paid_resource("P1"), "支付成功"
    )
    assert verifier.notification(headers, body).resource["out_trade_no"] == "P1"


def test_forged_callback_signed_by_another_key_is_refused(sim, apiv3_key, verifier):
    forger = WeChatPaySimulator(
        mchid=MCHID,
        appids={APPID},
        merchant_public_key=keys.new_key().public_key(),
        merchant_serial=SERIAL,
        apiv3_key=apiv3_key,
        public_key_id=sim.public_key_id,
    )
    headers, body = forger.callback("TRANSACTION.SUCCESS", "transaction", paid_resource("P1"), "x")
    with pytest.raises(CallbackRejected) as err:
        verifier.notification(headers, body)
    assert err.value.reason == "bad_signature"


def test_tampered_body_is_refused(sim, verifier):
    headers, body = sim.callback("TRANSACTION.SUCCESS", "transaction", paid_resource("P1"), "x")
    tampered = json.loads(body)
    tampered["summary"] = "changed"
    with pytest.raises(CallbackRejected) as err:
        verifier.notification(headers, json.dumps(tampered, ensure_ascii=False).encode())
    assert err.value.reason == "bad_signature"


def test_replayed_old_callback_is_refused(sim, verifier):
    old = int(time.time()) - 3600
    headers, body = sim.callback(
        "TRANSACTION.SUCCESS", "transaction", paid_resource("P1"), "x", timestamp=old
    )
    with pytest.raises(CallbackRejected) as err:
        verifier.notification(headers, body)
    assert err.value.reason == "timestamp_out_of_window"


def test_unknown_serial_missing_headers_and_wrong_apiv3_key(sim, verifier):
    headers, body = sim.callback("TRANSACTION.SUCCESS", "transaction", paid_resource("P1"), "x")
    for change, reason in (
        ({"Wechatpay-Serial": "PUB_KEY_ID_OTHER"}, "unknown_serial"),
        ({"Wechatpay-Signature": ""}, "signature_missing"),
        ({"Wechatpay-Signature": "WECHATPAY/SIGNTEST/abc"}, "bad_signature"),
    ):
        with pytest.raises(CallbackRejected) as err:
            verifier.notification({**headers, **change}, body)
        assert err.value.reason == reason
    other = Verifier(secrets.token_hex(16).encode(), verifier.platform_keys)
    with pytest.raises(CallbackRejected) as err:
        other.notification(headers, body)
    assert err.value.reason == "decrypt_failed"


def test_amount_changed_callback_is_genuine_but_not_applied(sim, verifier):
    now = datetime.now(UTC)
    order = PaymentOrder(
        Provider.wechat,
        Channel.qr,
        900,
        "停车费",
        Purpose.parking,
        "s",
        MCHID,
        APPID,
        now,
        now + timedelta(minutes=15),
    )
    order.mark_pending()
    headers, body = sim.callback(
        "TRANSACTION.SUCCESS", "transaction", paid_resource(order.out_trade_no, amount=1), "x"
    )
    applied = order.apply(transaction_result(verifier.notification(headers, body).resource))
    assert (applied.outcome, applied.reason) == (Outcome.rejected, "amount_mismatch")
    assert order.status is OrderStatus.pending


async def test_answers_signed_by_another_platform_key_are_not_believed(
    sim, merchant_key, apiv3_key
):
    config = WeChatPayConfig(
        mchid=MCHID,
        appid=APPID,
        serial_no=SERIAL,
        private_key=merchant_key,
        apiv3_key=apiv3_key,
        platform_keys={sim.public_key_id: keys.new_key().public_key()},
        notify_url="http://127.0.0.1:9/notify",
        base_url=sim.url,
    )
    c = WeChatPayClient(config)
    try:
        with pytest.raises(WeChatPayError) as err:
            await c.query("P" + "1" * 31)
        assert err.value.code == "SIGN_INVALID"  # not "unknown order": unverified
        order = new_order(c)
        with pytest.raises(WeChatPayError) as err:
            await c.prepay(order)
        assert err.value.code == "SIGN_INVALID"
    finally:
        await c.aclose()


async def test_requests_signed_with_another_merchant_key_are_refused(sim, apiv3_key):
    config = WeChatPayConfig(
        mchid=MCHID,
        appid=APPID,
        serial_no=SERIAL,
        private_key=keys.new_key(),
        apiv3_key=apiv3_key,
        platform_keys={sim.public_key_id: sim.platform_public_key},
        notify_url="http://127.0.0.1:9/notify",
        base_url=sim.url,
    )
    c = WeChatPayClient(config)
    try:
        with pytest.raises(WeChatPayError) as err:
            await c.prepay(new_order(c))
        assert (err.value.status, err.value.code) == (401, "SIGN_ERROR")
    finally:
        await c.aclose()


# -- an implementation nobody here wrote ---------------------------------------------
async def test_the_wechatpayv3_sdk_pays_queries_and_verifies_against_the_simulator(
    sim, merchant_key, apiv3_key, receiver
):
    from wechatpayv3 import WeChatPay, WeChatPayType

    sdk = WeChatPay(
        wechatpay_type=WeChatPayType.NATIVE,
        mchid=MCHID,
        private_key=keys.private_pem(merchant_key),
        cert_serial_no=SERIAL,
        appid=APPID,
        apiv3_key=apiv3_key.decode(),
        notify_url=receiver.url,
        public_key=keys.public_pem(sim.platform_public_key),
        public_key_id=sim.public_key_id,
    )
    sdk._core._gate_way = sim.url  # the SDK's base URL is fixed to production
    no = "SDK" + secrets.token_hex(10)
    code, message = await asyncio.to_thread(
        sdk.pay, description="停车费", out_trade_no=no, amount={"total": 300}
    )  # the SDK verified the simulator's signature on this answer, or it would raise
    assert code == 200, message
    assert json.loads(message)["code_url"].startswith("weixin://")
    import httpx

    async with httpx.AsyncClient() as http:
        assert (
            await http.post(sim.url + "/sim/pay", json={"out_trade_no": no, "deliver": False})
        ).status_code == 200
    code, message = await asyncio.to_thread(sdk.query, out_trade_no=no)
    assert (code, json.loads(message)["trade_state"]) == (200, "SUCCESS")
    headers, body = sim.callback(
        "TRANSACTION.SUCCESS", "transaction", sim.transaction(sim.orders[no]), "支付成功"
    )
    decoded = sdk.callback(headers, body)
    assert decoded["resource"]["out_trade_no"] == no
    assert decoded["resource"]["amount"]["total"] == 300
    forged_headers = {**headers, "Wechatpay-Signature": keys.sign(keys.new_key(), "x")}
    assert sdk.callback(forged_headers, body) is None
