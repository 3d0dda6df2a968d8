"""Payment use cases on a real PostgreSQL against the WeChat Pay and Alipay simulators
over loopback: idempotent creation, callbacks applied once, forged and mismatched
callbacks refused and audited, recovery by query, expiry, refunds, reconciliation."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
import pytest
from pp_helpers import RecordingUowFactory
from sqlalchemy import func, select

from parking_payment.adapters import keys
from parking_payment.adapters.alipay.client import AlipayClient, AlipayConfig
from parking_payment.adapters.alipay.notify import NotifyVerifier
from parking_payment.adapters.alipay.simulator import AlipaySimulator
from parking_payment.adapters.loopback import LoopbackServer
from parking_payment.adapters.providers import AlipayProvider, WeChatPayProvider
from parking_payment.adapters.wechatpay.client import WeChatPayClient, WeChatPayConfig
from parking_payment.adapters.wechatpay.simulator import WeChatPaySimulator
from parking_payment.db.models import metadata
from parking_payment.db.payments import CallbackRow, PaymentOrderRow
from parking_payment.domain.payments import (
    Channel,
    OrderStatus,
    PaymentOrder,
    Provider,
    Purpose,
    Refund,
    RefundStatus,
)
from parking_payment.usecases.callbacks import Callbacks
from parking_payment.usecases.jobs import PaymentJobs
from parking_payment.usecases.payments import CreateOrder, OrderView, Payments, Replay
from parking_payment.usecases.ports import Quote
from sc_core.db.engine import Database
from sc_core.db.tables import platform_tables
from sc_core.errors import Problem
from sc_core.privacy import FieldCipher, configure_cipher, reset_cipher

MCHID, APPID, SERIAL = "1900000109", "wx8888888888888888", "SERIAL-1"


@dataclass
class Who:
    subject: str
    principal: object = None


class FixedTarget:
    """A payable thing of 9.00 元 that remembers being paid."""

    def __init__(self) -> None:
        self.paid_orders: list[str] = []

    async def quote(self, uow, who, target_id, now):
        return Quote(900, f"停车费 京A12345 ({target_id})", "DEMO-001", "hh-101")

    async def paid(self, uow, order: PaymentOrder) -> bool:
        first = order.target_id not in self.paid_orders
        self.paid_orders.append(order.target_id)
        return first


@pytest.fixture(scope="module")
def sims():
    merchant, app_key, apiv3 = keys.new_key(), keys.new_key(), secrets.token_hex(16).encode()
    wx = WeChatPaySimulator(
        mchid=MCHID,
        appids={APPID},
        merchant_public_key=merchant.public_key(),
        merchant_serial=SERIAL,
        apiv3_key=apiv3,
        retry_delays=(0.0,),
    )
    ali = AlipaySimulator(
        app_id="2021000000000001",
        seller_id="2088000000000001",
        app_public_key=app_key.public_key(),
        retry_delays=(0.0,),
    )
    with LoopbackServer(wx.app) as wxs, LoopbackServer(ali.app) as alis:
        ali.base_url = alis.url
        yield wx, wxs.url, merchant, apiv3, ali, alis.url, app_key


@pytest.fixture
async def world(sims, fresh_database_url):
    wx, wx_url, merchant, apiv3, ali, ali_url, app_key = sims
    configure_cipher(FieldCipher([("k1", os.urandom(32))], index_key=os.urandom(32)))
    db = Database(fresh_database_url, platform_tables(metadata))
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    wxp = WeChatPayProvider(
        WeChatPayClient(
            WeChatPayConfig(
                mchid=MCHID,
                appid=APPID,
                serial_no=SERIAL,
                private_key=merchant,
                apiv3_key=apiv3,
                platform_keys={wx.public_key_id: wx.platform_public_key},
                notify_url="http://127.0.0.1:9/callbacks/wechat",
                base_url=wx_url,
            )
        )
    )
    alip = AlipayProvider(
        AlipayClient(
            AlipayConfig(
                app_id=ali.app_id,
                seller_id=ali.seller_id,
                private_key=app_key,
                alipay_public_key=ali.alipay_public_key,
                notify_url="http://127.0.0.1:9/callbacks/alipay",
                gateway=ali_url + "/gateway.do",
            )
        ),
        NotifyVerifier(ali.app_id, ali.alipay_public_key),
    )
    providers = {Provider.wechat: wxp, Provider.alipay: alip}
    target = FixedTarget()
    uow = RecordingUowFactory(db)
    payments = Payments(uow, providers, {Purpose.parking: target})
    callbacks = Callbacks(uow, providers, {Purpose.parking: target})
    jobs = PaymentJobs(uow, providers, callbacks, payments, grace=timedelta(0))
    yield {
        "payments": payments,
        "callbacks": callbacks,
        "jobs": jobs,
        "uow": uow,
        "target": target,
        "wx": wx,
        "wx_url": wx_url,
        "ali": ali,
        "ali_url": ali_url,
        "db": db,
    }
    await wxp.client.aclose()
    await alip.client.aclose()
    await db.dispose()
    reset_cipher()


RESIDENT = Who("resident-1")


def qr(provider: Provider = Provider.wechat, target: str = "session-1") -> CreateOrder:
    return CreateOrder(Purpose.parking, target, provider, Channel.qr)


async def sim_pay(url: str, out_trade_no: str) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            url + "/sim/pay", json={"out_trade_no": out_trade_no, "deliver": False}
        )
    assert answer.status_code == 200, answer.text


async def count_orders(world) -> int:
    async with world["db"].uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(PaymentOrderRow)))


async def test_same_key_same_body_same_order_other_body_conflict(world):
    payments = world["payments"]
    first = await payments.create(RESIDENT, qr(), "key-0000000001")
    assert isinstance(first, OrderView)
    assert first.order.status is OrderStatus.pending
    assert first.prepay["code_url"].startswith("weixin://")
    again = await payments.create(RESIDENT, qr(), "key-0000000001")
    assert isinstance(again, Replay)
    assert (again.status_code, again.body["id"]) == (201, str(first.order.id))
    with pytest.raises(Problem) as err:
        await payments.create(RESIDENT, qr(target="session-2"), "key-0000000001")
    assert (err.value.status, err.value.code) == (409, "payment.idempotency_conflict")
    assert await count_orders(world) == 1
    other_caller = await payments.create(Who("resident-2"), qr(), "key-0000000001")
    assert isinstance(other_caller, OrderView)  # keys are per caller
    assert await count_orders(world) == 2


async def test_callback_applied_once_forged_refused_and_audited(world):
    view = await world["payments"].create(RESIDENT, qr(), None)
    wx = world["wx"]
    await sim_pay(world["wx_url"], view.order.out_trade_no)
    headers, body = wx.callback(
        "TRANSACTION.SUCCESS",
        "transaction",
        wx.transaction(wx.orders[view.order.out_trade_no]),
        "支付成功",
    )
    callbacks = world["callbacks"]
    forged_headers = {**headers, "Wechatpay-Signature": keys.sign(keys.new_key(), "forged")}
    refused = await callbacks.receive(Provider.wechat, forged_headers, body, "203.0.113.9")
    assert refused.status >= 400
    row = await world["payments"].order_row(view.order.id)
    assert row.status == "pending"  # nothing changed
    ok = await callbacks.receive(Provider.wechat, headers, body, "127.0.0.1")
    assert ok.status == 204
    again = await callbacks.receive(Provider.wechat, headers, body, "127.0.0.1")
    assert again.status == 204
    row = await world["payments"].order_row(view.order.id)
    assert (row.status, row.amount) == ("succeeded", 900)
    assert world["target"].paid_orders == ["session-1"]  # counted once
    paid_events = [e for e, _ in world["uow"].published if type(e).__name__ == "PaymentOrderPaidV1"]
    assert len(paid_events) == 1
    denied = [a for a in world["uow"].audited if a["outcome"] == "denied"]
    assert [a["detail"]["reason"] for a in denied] == ["bad_signature"]
    async with world["db"].uow() as uow:
        outcomes = (
            (await uow.session.execute(select(CallbackRow.outcome).order_by(CallbackRow.id)))
            .scalars()
            .all()
        )
    assert outcomes == ["refused", "applied"]


async def test_amount_changed_and_unknown_order_callbacks_change_nothing(world):
    view = await world["payments"].create(RESIDENT, qr(), None)
    wx = world["wx"]
    resource = {
        "appid": APPID,
        "mchid": MCHID,
        "out_trade_no": view.order.out_trade_no,
        "transaction_id": "4200000000009",
        "trade_state": "SUCCESS",
        "success_time": datetime.now(UTC).isoformat(),
        "amount": {"total": 1, "currency": "CNY"},
    }
    headers, body = wx.callback("TRANSACTION.SUCCESS", "transaction", resource, "支付成功")
    answer = await world["callbacks"].receive(Provider.wechat, headers, body, "127.0.0.1")
    assert answer.status >= 400
    unknown = {**resource, "out_trade_no": "P" + "9" * 31, "amount": {"total": 900}}
    headers, body = wx.callback("TRANSACTION.SUCCESS", "transaction", unknown, "支付成功")
    answer = await world["callbacks"].receive(Provider.wechat, headers, body, "127.0.0.1")
    assert answer.status >= 400
    row = await world["payments"].order_row(view.order.id)
    assert row.status == "pending"
    assert world["target"].paid_orders == []
    reasons = sorted(
        a["detail"]["reason"] for a in world["uow"].audited if a["outcome"] == "denied"
    )
    assert reasons == ["amount_mismatch", "unknown_order"]


async def test_recovery_finds_a_payment_made_while_we_were_down(world):
    numbers = {}
    for provider, url in ((Provider.wechat, world["wx_url"]), (Provider.alipay, world["ali_url"])):
        view = await world["payments"].create(RESIDENT, qr(provider, f"s-{provider.value}"), None)
        await sim_pay(url, view.order.out_trade_no)  # no callback ever reaches us
        numbers[provider] = view.order.out_trade_no
    assert await world["jobs"].settle_open_orders() == 2
    assert await world["jobs"].settle_open_orders() == 0  # not twice
    assert sorted(world["target"].paid_orders) == ["s-alipay", "s-wechat"]
    # the callback arriving later changes nothing
    wx = world["wx"]
    no = numbers[Provider.wechat]
    headers, body = wx.callback(
        "TRANSACTION.SUCCESS", "transaction", wx.transaction(wx.orders[no]), "支付成功"
    )
    assert (await world["callbacks"].receive(Provider.wechat, headers, body, None)).status == 204
    assert sorted(world["target"].paid_orders) == ["s-alipay", "s-wechat"]
    ali = world["ali"]
    trade = ali.trades[numbers[Provider.alipay]]
    body = urlencode(ali.notification(trade)).encode()
    answer = await world["callbacks"].receive(Provider.alipay, {}, body, None)
    assert answer.body == b"success"
    assert sorted(world["target"].paid_orders) == ["s-alipay", "s-wechat"]


async def test_expired_orders_are_closed_and_refunds_are_applied(world):
    payments = world["payments"]
    payments.order_ttl = timedelta(seconds=1)
    view = await payments.create(RESIDENT, qr(target="late"), None)
    world["jobs"].clock = lambda: datetime.now(UTC) + timedelta(minutes=1)
    assert await world["jobs"].settle_open_orders() == 1
    row = await payments.order_row(view.order.id)
    assert row.status == "closed"
    payments.order_ttl = timedelta(minutes=15)
    world["jobs"].clock = lambda: datetime.now(UTC)
    paid = await payments.create(RESIDENT, qr(Provider.alipay, "refund-me"), None)
    await sim_pay(world["ali_url"], paid.order.out_trade_no)
    await world["jobs"].settle_open_orders()
    refunded = await payments.refund(Who("manager-1"), paid.order.id, 400, "多缴退还")
    assert (refunded.order.refunded, refunded.order.refund_state) == (400, "partial")
    with pytest.raises(Problem) as err:
        await payments.refund(Who("manager-1"), paid.order.id, 600, "超额")
    assert err.value.code == "payment.refund_too_large"
    beijing_day = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the provider's bill day
    report = await world["jobs"].reconcile_day(Provider.alipay, beijing_day)
    refund_no = refunded.order.refunds[0].out_refund_no
    assert report.matched == 2  # the payment and its refund
    assert report.local_total == {"payment": 900, "refund": 400}
    # the simulator's bill also holds other tests' trades (other databases): named, not ours
    assert not {paid.order.out_trade_no, refund_no} & {d.number for d in report.differences}


async def test_a_refund_the_provider_refuses_is_a_clear_problem_and_frees_the_amount(world):
    """A paid order refunded already in WeChat Pay's merchant platform (outside the
    platform): staff asking for a refund get the provider's refusal as a problem, not a
    500, and the order shows nothing refunded and its amount refundable again."""
    payments = world["payments"]
    paid = await payments.create(RESIDENT, qr(target="refunded-elsewhere"), None)
    await sim_pay(world["wx_url"], paid.order.out_trade_no)
    await world["jobs"].settle_open_orders()
    order = (await payments.get(RESIDENT, paid.order.id, staff=True)).order
    elsewhere = Refund(order.id, "MP-REFUND-1", 900, "商户平台退款", "merchant", datetime.now(UTC))
    await payments.provider(Provider.wechat).refund(order, elsewhere)
    with pytest.raises(Problem) as err:
        await payments.refund(Who("manager-1"), paid.order.id, 900, "多缴退还")
    assert err.value.status == 502 and err.value.code == "payment.refund_refused"
    assert err.value.extra["provider_code"] == "INVALID_REQUEST"
    after = (await payments.get(RESIDENT, paid.order.id, staff=True)).order
    assert (after.refunded, after.refundable) == (0, 900)
    assert [r.status for r in after.refunds] == [RefundStatus.failed]


async def test_unknown_provider_and_refusals(world):
    with pytest.raises(Problem) as err:
        await world["payments"].create(RESIDENT, qr(), "bad key")
    assert err.value.code == "payment.bad_idempotency_key"
