"""The local payment providers for ``make run`` and the end-to-end and reliability tests:
``python -m parking_payment.simulators --dir DIR [--wechat-port N] [--alipay-port N]``.

Both simulators run in this one process, each on its own loopback port, so they outlive
a service that is killed mid-payment (the provider keeps the payment; the service finds
it by query when it comes back). On first start test keys and ids are generated into
``DIR`` (kept across restarts); ``DIR/sim.json`` names the ports and files, and
``dev_configs(DIR, notify_base)`` builds the service's production clients from them:
the same code as production, pointed at these base URLs. Nothing here is a real secret.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

from parking_payment.adapters import keys
from parking_payment.adapters.alipay.client import AlipayConfig
from parking_payment.adapters.alipay.simulator import AlipaySimulator
from parking_payment.adapters.loopback import LoopbackServer
from parking_payment.adapters.wechatpay.client import WeChatPayConfig
from parking_payment.adapters.wechatpay.simulator import WeChatPaySimulator
from parking_payment.domain.payments import Channel

MCHID = "1900000109"
APPID = "wx8888888888888888"  # the official account (公众号) and QR
MINI_APPID = "wx7777777777777777"  # the mini-program (小程序)
APP_APPID = "wx6666666666666666"  # the mobile app
ALIPAY_APP_ID = "2021000000000001"
ALIPAY_SELLER = "2088000000000001"


@dataclass(frozen=True)
class SimulatorFiles:
    dir: Path

    def _key(self, name: str) -> keys.rsa.RSAPrivateKey:
        path = self.dir / name
        if not path.exists():
            path.write_text(keys.private_pem(keys.new_key()))
            path.chmod(0o600)
        return keys.load_private_key(path.read_text())

    def _text(self, name: str, make: str) -> str:
        path = self.dir / name
        if not path.exists():
            path.write_text(make)
            path.chmod(0o600)
        return path.read_text().strip()

    def ensure(self) -> dict[str, str]:
        self.dir.mkdir(parents=True, exist_ok=True)
        for name in ("wechat_merchant_key.pem", "wechat_platform_key.pem"):
            self._key(name)
        for name in ("alipay_app_key.pem", "alipay_key.pem"):
            self._key(name)
        return {
            "apiv3_key": self._text("wechat_apiv3_key", secrets.token_hex(16)),
            "merchant_serial": self._text("wechat_merchant_serial", secrets.token_hex(20).upper()),
            "public_key_id": self._text(
                "wechat_public_key_id", "PUB_KEY_ID_" + secrets.token_hex(12).upper()
            ),
        }


def build(directory: Path) -> tuple[WeChatPaySimulator, AlipaySimulator]:
    files = SimulatorFiles(directory)
    ids = files.ensure()
    wechat = WeChatPaySimulator(
        mchid=MCHID,
        appids={APPID, MINI_APPID, APP_APPID},
        merchant_public_key=files._key("wechat_merchant_key.pem").public_key(),
        merchant_serial=ids["merchant_serial"],
        apiv3_key=ids["apiv3_key"].encode(),
        platform_key=files._key("wechat_platform_key.pem"),
        public_key_id=ids["public_key_id"],
    )
    alipay = AlipaySimulator(
        app_id=ALIPAY_APP_ID,
        seller_id=ALIPAY_SELLER,
        app_public_key=files._key("alipay_app_key.pem").public_key(),
        alipay_key=files._key("alipay_key.pem"),
    )
    return wechat, alipay


def dev_configs(directory: Path, notify_base: str) -> tuple[WeChatPayConfig, AlipayConfig]:
    """The service's clients for the simulators in ``directory`` (written by ``main``)."""
    files = SimulatorFiles(directory)
    ids = files.ensure()
    sim = json.loads((directory / "sim.json").read_text())
    platform = files._key("wechat_platform_key.pem").public_key()
    wechat = WeChatPayConfig(
        mchid=MCHID,
        appid=APPID,
        serial_no=ids["merchant_serial"],
        private_key=files._key("wechat_merchant_key.pem"),
        apiv3_key=ids["apiv3_key"].encode(),
        platform_keys={ids["public_key_id"]: platform},
        notify_url=notify_base + "/wechat",
        base_url=sim["wechat_url"],
        channel_appids={Channel.mini_program: MINI_APPID, Channel.app: APP_APPID},
    )
    alipay = AlipayConfig(
        app_id=ALIPAY_APP_ID,
        seller_id=ALIPAY_SELLER,
        private_key=files._key("alipay_app_key.pem"),
        alipay_public_key=files._key("alipay_key.pem").public_key(),
        notify_url=notify_base + "/alipay",
        gateway=sim["alipay_url"] + "/gateway.do",
    )
    return wechat, alipay


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="local WeChat Pay and Alipay simulators")
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--wechat-port", type=int, default=0)
    parser.add_argument("--alipay-port", type=int, default=0)
    args = parser.parse_args(argv)
    wechat, alipay = build(args.dir)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with (
        LoopbackServer(wechat.app, args.wechat_port) as wx,
        LoopbackServer(alipay.app, args.alipay_port) as ali,
    ):
        alipay.base_url = ali.url
        state = {"wechat_url": wx.url, "alipay_url": ali.url, "pid": os.getpid()}
        tmp = args.dir / "sim.json.tmp"
        tmp.write_text(json.dumps(state))
        tmp.replace(args.dir / "sim.json")
        print(f"payment simulators: WeChat Pay {wx.url}, Alipay {ali.url}", flush=True)
        stop.wait()


if __name__ == "__main__":
    main()
