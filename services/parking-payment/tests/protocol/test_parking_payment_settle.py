"""Recovery and expiry against both simulators over loopback, through the one provider
interface: a payment is never lost and never counted twice."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pp_helpers import CallbackReceiver, wait_for

from parking_payment.adapters import keys
from parking_payment.adapters.alipay.client import AlipayClient, AlipayConfig
from parking_payment.adapters.alipay.notify import NotifyVerifier
from parking_payment.adapters.alipay.simulator import AlipaySimulator
from parking_payment.adapters.callbacks import CallbackRejected
from parking_payment.adapters.loopback import LoopbackServer
from parking_payment.adapters.providers import (
    AlipayProvider,
    CallbackKind,
    PaymentProvider,
    WeChatPayProvider,
)
from parking_payment.adapters.wechatpay.client import WeChatPayClient, WeChatPayConfig
from parking_payment.adapters.wechatpay.simulator import WeChatPaySimulator
from parking_payment.domain.payments import (
    Channel,
    OrderStatus,
    Outcome,
    PaymentOrder,
    Purpose,
)
from parking_payment.usecases.settle import expire, settle


@pytest.fixture(scope="module")
def servers():
    merchant, app_key, apiv3 = keys.new_key(), keys.new_key(), secrets.token_hex(16).encode()
    wx = WeChatPaySimulator(
        mchid="1900000109",
        appids={"wx8888888888888888"},
        merchant_public_key=merchant.public_key(),
        merchant_serial="SERIAL1",
        apiv3_key=apiv3,
        retry_delays=(0.0,),
    )
    ali = AlipaySimulator(
        app_id="2021000000000001",
        seller_id="2088000000000001",
        app_public_key=app_key.public_key(),
        retry_delays=(0.0,),
    )
    sink = CallbackReceiver(lambda h, b: (503, None))  # we are "down": callbacks fail
    with (
        LoopbackServer(wx.app) as wxs,
        LoopbackServer(ali.app) as alis,
        LoopbackServer(sink.app) as s,
    ):
        ali.base_url = alis.url
        yield {
            "wechat": (wx, wxs.url, merchant, apiv3),
            "alipay": (ali, alis.url, app_key),
            "notify": s.url + "/notify",
        }


@pytest.fixture(params=["wechat", "alipay"])
async def provider(request, servers):
    if request.param == "wechat":
        wx, url, merchant, apiv3 = servers["wechat"]
        client = WeChatPayClient(
            WeChatPayConfig(
                mchid=wx.mchid,
                appid="wx8888888888888888",
                serial_no="SERIAL1",
                private_key=merchant,
                apiv3_key=apiv3,
                platform_keys={wx.public_key_id: wx.platform_public_key},
                notify_url=servers["notify"],
                base_url=url,
            )
        )
        p: PaymentProvider = WeChatPayProvider(client)
        p.sim_url = url  # type: ignore[attr-defined]
        p.sim = wx  # type: ignore[attr-defined]
    else:
        ali, url, app_key = servers["alipay"]
        aclient = AlipayClient(
            AlipayConfig(
                app_id=ali.app_id,
                seller_id=ali.seller_id,
                private_key=app_key,
                alipay_public_key=ali.alipay_public_key,
                notify_url=servers["notify"],
                gateway=url + "/gateway.do",
            )
        )
        p = AlipayProvider(aclient, NotifyVerifier(ali.app_id, ali.alipay_public_key))
        p.sim_url = url  # type: ignore[attr-defined]
        p.sim = ali  # type: ignore[attr-defined]
    yield p
    await p.client.aclose()  # type: ignore[attr-defined]


def order_for(provider: PaymentProvider, expires_in: timedelta = timedelta(minutes=15)):
    now = datetime.now(UTC)
    return PaymentOrder(
        provider.kind,
        Channel.qr,
        900,
        "停车费 京A12345",
        Purpose.parking,
        "session-1",
        merchant_id=provider.merchant_id,
        app_id=provider.app_id_for(Channel.qr),
        created_at=now,
        expires_at=now + expires_in,
    )


async def pay_at_provider(provider, order) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            provider.sim_url + "/sim/pay", json={"out_trade_no": order.out_trade_no}
        )
    assert answer.status_code == 200


async def test_payment_made_while_we_were_down_is_found_once(provider):
    order = order_for(provider)
    await provider.prepay(order)
    order.mark_pending()
    assert (await settle(order, provider)).outcome is Outcome.unchanged  # not paid yet
    await pay_at_provider(provider, order)  # the callback goes to a dead endpoint
    applied = await settle(order, provider)
    assert applied.outcome is Outcome.applied
    assert order.status is OrderStatus.succeeded
    assert (await settle(order, provider)).outcome is Outcome.unchanged  # not twice


async def test_expired_unpaid_order_is_closed_at_the_provider_first(provider):
    order = order_for(provider, expires_in=timedelta(seconds=2))
    await provider.prepay(order)  # the provider is told the same expiry (time_expire)
    order.mark_pending()
    await wait_for(lambda: datetime.now(UTC) > order.expires_at, what="the order to expire")
    assert (await expire(order, provider, datetime.now(UTC))).reason == "closed"
    assert order.status is OrderStatus.closed
    async with httpx.AsyncClient() as http:  # the payer tries too late: refused
        answer = await http.post(
            provider.sim_url + "/sim/pay", json={"out_trade_no": order.out_trade_no}
        )
    assert answer.status_code == 409
    assert (await settle(order, provider)).outcome is Outcome.unchanged


async def test_expired_but_paid_order_is_applied_not_closed(provider):
    order = order_for(provider)
    await provider.prepay(order)
    order.mark_pending()
    await pay_at_provider(provider, order)
    applied = await expire(order, provider, order.expires_at + timedelta(seconds=1))
    assert applied.outcome is Outcome.applied
    assert order.status is OrderStatus.succeeded


async def test_callbacks_through_the_provider_interface(provider):
    order = order_for(provider)
    await provider.prepay(order)
    order.mark_pending()
    await pay_at_provider(provider, order)
    sim = provider.sim
    if provider.kind.value == "wechat":
        sim_order = sim.orders[order.out_trade_no]
        headers, body = sim.callback(
            "TRANSACTION.SUCCESS", "transaction", sim.transaction(sim_order), "支付成功"
        )
    else:
        from urllib.parse import urlencode

        headers = {"content-type": "application/x-www-form-urlencoded"}
        body = urlencode(sim.notification(sim.trades[order.out_trade_no])).encode()
    event = provider.parse_callback(headers, body)
    assert (event.kind, event.out_trade_no) == (CallbackKind.payment, order.out_trade_no)
    assert order.apply(event.payment).outcome is Outcome.applied
    tampered = body.replace("支付成功".encode(), "支付失败".encode()).replace(b"9.00", b"9.01")
    assert tampered != body
    with pytest.raises(CallbackRejected):
        provider.parse_callback(headers, tampered)
    ok, refused = provider.ack(True), provider.ack(False, "bad_signature")
    assert ok.status in (200, 204)
    assert refused.body in (b"fail",) or refused.status >= 400
