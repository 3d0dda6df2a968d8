"""The payment providers the service runs with, from its settings.

- ``production``: WeChat Pay and Alipay with the merchant's keys (files) and the
  providers' public keys; a provider with no merchant id is not offered;
- ``simulator`` (``make run``, the end-to-end and reliability tests): the local simulators
  (``parking_payment.simulators``) in their own process, started here when none runs for
  ``PAYMENT_SIMULATOR_DIR`` and reused when one does (a service killed mid-payment finds
  the same provider, holding the payment, when it comes back); the same client code,
  pointed at loopback;
- ``off``: no provider (paying answers 422 ``payment.provider_not_offered``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from parking_payment.adapters import keys
from parking_payment.adapters.alipay.client import AlipayClient, AlipayConfig
from parking_payment.adapters.alipay.notify import NotifyVerifier
from parking_payment.adapters.providers import AlipayProvider, PaymentProvider, WeChatPayProvider
from parking_payment.adapters.wechatpay.client import WeChatPayClient, WeChatPayConfig
from parking_payment.domain.payments import Channel, Provider
from parking_payment.simulators import dev_configs

CALLBACK_PATH = "/api/v1/payments/callbacks"


def _alive(state: dict[str, Any]) -> bool:
    try:
        os.kill(int(state["pid"]), 0)
    except (OSError, KeyError, ValueError):
        return False
    return True


def ensure_simulator(directory: Path, timeout_s: float = 600.0) -> dict[str, Any]:
    """Start the local WeChat Pay / Alipay simulators once and return their state.

    The bound is generous: on a loaded machine (load 30-40 on 2 cores) the child needs more
    than a minute to import and make its keys, and 60 s made whole test stacks fail to start.
    A child that exits is reported at once with its exit code instead of waiting the bound out.
    """
    state_file = directory / "sim.json"
    if state_file.exists():
        state: dict[str, Any] = json.loads(state_file.read_text())
        if _alive(state):
            return state
        state_file.unlink()
    directory.mkdir(parents=True, exist_ok=True)
    log = (directory / "simulators.log").open("ab")
    child = subprocess.Popen(
        [sys.executable, "-m", "parking_payment.simulators", "--dir", str(directory)],
        stdout=log,
        stderr=log,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout_s
    while not state_file.exists():
        code = child.poll()
        if code is not None and not state_file.exists():
            raise RuntimeError(f"the payment simulators exited with {code} (see {log.name})")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the payment simulators did not start (see {log.name})")
        time.sleep(0.05)
    started: dict[str, Any] = json.loads(state_file.read_text())
    return started


def build_providers(settings: Any) -> dict[Provider, PaymentProvider]:
    notify_base = settings.public_base_url.rstrip("/") + CALLBACK_PATH
    if settings.payment_mode == "off":
        return {}
    if settings.payment_mode == "simulator":
        ensure_simulator(settings.payment_simulator_dir)
        wx_config, ali_config = dev_configs(settings.payment_simulator_dir, notify_base)
        return {
            Provider.wechat: WeChatPayProvider(WeChatPayClient(wx_config)),
            Provider.alipay: AlipayProvider(
                AlipayClient(ali_config),
                NotifyVerifier(ali_config.app_id, ali_config.alipay_public_key),
            ),
        }
    providers: dict[Provider, PaymentProvider] = {}
    if settings.wechatpay_mchid:
        platform = keys.load_public_key(
            Path(settings.wechatpay_platform_public_key_file).read_text()
        )
        channel_appids = {
            channel: appid
            for channel, appid in (
                (Channel.mini_program, settings.wechatpay_mini_appid),
                (Channel.app, settings.wechatpay_app_appid),
            )
            if appid
        }
        wx = WeChatPayConfig(
            mchid=settings.wechatpay_mchid,
            appid=settings.wechatpay_appid,
            serial_no=settings.wechatpay_serial_no,
            private_key=keys.load_private_key(
                Path(settings.wechatpay_private_key_file).read_text()
            ),
            apiv3_key=settings.wechatpay_apiv3_key.encode(),
            platform_keys={settings.wechatpay_platform_public_key_id: platform},
            notify_url=notify_base + "/wechat",
            base_url=settings.wechatpay_base_url,
            channel_appids=channel_appids,
        )
        providers[Provider.wechat] = WeChatPayProvider(WeChatPayClient(wx))
    if settings.alipay_app_id:
        public = keys.load_public_key(Path(settings.alipay_public_key_file).read_text())
        ali = AlipayConfig(
            app_id=settings.alipay_app_id,
            seller_id=settings.alipay_seller_id,
            private_key=keys.load_private_key(Path(settings.alipay_private_key_file).read_text()),
            alipay_public_key=public,
            notify_url=notify_base + "/alipay",
            gateway=settings.alipay_gateway,
        )
        providers[Provider.alipay] = AlipayProvider(
            AlipayClient(ali), NotifyVerifier(ali.app_id, public)
        )
    return providers
