"""The simulators as ``make run`` starts them: their own process; the service's
production clients built by ``dev_configs`` pay, query and survive the process's
restart with the same keys."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import httpx
from pp_helpers import wait_for

from parking_payment.adapters.alipay.client import AlipayClient
from parking_payment.adapters.wechatpay.client import WeChatPayClient
from parking_payment.domain.payments import (
    Channel,
    OrderStatus,
    PaymentOrder,
    Provider,
    Purpose,
    TradeState,
)
from parking_payment.simulators import dev_configs


def start(directory):
    (directory / "sim.json").unlink(missing_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "parking_payment.simulators", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc


def stop(proc) -> None:
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def order(provider: Provider, merchant: str, app: str) -> PaymentOrder:
    now = datetime.now(UTC)
    return PaymentOrder(
        provider,
        Channel.qr,
        900,
        "停车费",
        Purpose.parking,
        "s-1",
        merchant,
        app,
        now,
        now + timedelta(minutes=15),
    )


async def test_simulator_process_and_dev_configs(tmp_path):
    proc = start(tmp_path)
    try:
        await wait_for(lambda: (tmp_path / "sim.json").exists(), timeout=60, what="sim.json")
        wx_cfg, ali_cfg = dev_configs(tmp_path, "http://127.0.0.1:9/callbacks")
        wx, ali = WeChatPayClient(wx_cfg), AlipayClient(ali_cfg)
        try:
            wo = order(Provider.wechat, wx_cfg.mchid, wx_cfg.appid)
            await wx.prepay(wo)
            ao = order(Provider.alipay, ali_cfg.seller_id, ali_cfg.app_id)
            await ali.prepay(ao)
            sim = json.loads((tmp_path / "sim.json").read_text())
            async with httpx.AsyncClient() as http:
                for url, no in (
                    (sim["wechat_url"], wo.out_trade_no),
                    (sim["alipay_url"], ao.out_trade_no),
                ):
                    paid = await http.post(url + "/sim/pay", json={"out_trade_no": no})
                    assert paid.status_code == 200
            wo.mark_pending()
            wo.apply(await wx.query(wo.out_trade_no))
            assert wo.status is OrderStatus.succeeded
            assert (await ali.query(ao.out_trade_no)).state is TradeState.paid
        finally:
            await wx.aclose()
            await ali.aclose()
    finally:
        stop(proc)
    proc = start(tmp_path)  # a restart keeps the keys: the same configs still work
    try:
        await wait_for(lambda: (tmp_path / "sim.json").exists(), timeout=60, what="sim.json")
        wx_cfg, _ = dev_configs(tmp_path, "http://127.0.0.1:9/callbacks")
        wx = WeChatPayClient(wx_cfg)
        try:
            assert (await wx.query("P" + "0" * 31)).state is TradeState.unknown_order
        finally:
            await wx.aclose()
    finally:
        stop(proc)
