"""WeChat Pay API v3 client (async, httpx): orders for every channel, query, close,
refunds, trade bills. Every request is signed; every answer's signature is verified
before it is believed. Production and the simulator differ only in ``base_url``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from parking_payment.adapters import keys
from parking_payment.adapters.wechatpay import protocol
from parking_payment.adapters.wechatpay.notify import CallbackRejected, Verifier, transaction_result
from parking_payment.domain.money import yuan_to_fen
from parking_payment.domain.payments import (
    Channel,
    PaymentOrder,
    ProviderResult,
    Refund,
    TradeState,
)
from parking_payment.domain.reconciliation import Entry, EntryKind

PRODUCTION_URL = "https://api.mch.weixin.qq.com"
_ENDPOINT = {
    Channel.qr: "native",
    Channel.web: "native",
    Channel.jsapi: "jsapi",
    Channel.mini_program: "jsapi",
    Channel.app: "app",
    Channel.h5: "h5",
}


class WeChatPayError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class WeChatPayConfig:
    mchid: str
    appid: str
    serial_no: str  # the merchant API certificate's serial
    private_key: rsa.RSAPrivateKey
    apiv3_key: bytes
    platform_keys: dict[str, rsa.RSAPublicKey]
    notify_url: str
    base_url: str = PRODUCTION_URL
    channel_appids: dict[Channel, str] = field(default_factory=dict)  # mini-program, app...
    timeout_s: float = 10.0

    def appid_for(self, channel: Channel) -> str:
        return self.channel_appids.get(channel, self.appid)


class WeChatPayClient:
    def __init__(self, config: WeChatPayConfig, http: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self.verifier = Verifier(config.apiv3_key, config.platform_keys)
        self.http = http or httpx.AsyncClient(timeout=config.timeout_s)

    async def aclose(self) -> None:
        await self.http.aclose()

    # -- transport -----------------------------------------------------------------
    async def _call(
        self, method: str, path: str, body: dict[str, Any] | None = None, *, signed: bool = True
    ) -> tuple[int, Any]:
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")) if body else ""
        auth = protocol.authorization(
            method=method,
            path=path,
            body=text,
            mchid=self.config.mchid,
            serial_no=self.config.serial_no,
            key=self.config.private_key,
            timestamp=str(int(time.time())),
            nonce_str=protocol.nonce(),
        )
        headers = {
            "Authorization": auth,
            "Accept": "application/json",
            "Content-Type": "application/json",
            "User-Agent": "smart-community-parking-payment",
        }
        response = await self.http.request(
            method, self.config.base_url + path, content=text.encode(), headers=headers
        )
        if signed:
            # Errors too: an unsigned "ORDER_NOT_EXIST" from anyone on the path must not
            # make us believe an order is unknown.
            try:
                self.verifier.check_signature(response.headers, response.text)
            except CallbackRejected as exc:
                raise WeChatPayError(response.status_code, "SIGN_INVALID", exc.reason) from None
        if response.status_code >= 300:
            try:
                err = response.json()
            except ValueError:
                err = {}
            raise WeChatPayError(
                response.status_code, str(err.get("code", "HTTP_ERROR")), str(err.get("message"))
            )
        if response.status_code == 204 or not response.content:
            return response.status_code, None
        if not signed:
            return response.status_code, response.content
        return response.status_code, response.json()

    # -- orders --------------------------------------------------------------------
    async def prepay(
        self, order: PaymentOrder, *, openid: str | None = None, client_ip: str | None = None
    ) -> dict[str, Any]:
        """Place the order; answer what the payer's app or page needs to pay it."""
        endpoint = _ENDPOINT[order.channel]
        body: dict[str, Any] = {
            "appid": order.app_id,
            "mchid": self.config.mchid,
            "description": order.description,
            "out_trade_no": order.out_trade_no,
            "time_expire": order.expires_at.isoformat(timespec="seconds"),
            "attach": order.purpose.value,
            "notify_url": self.config.notify_url,
            "amount": {"total": order.amount, "currency": "CNY"},
        }
        if endpoint == "jsapi":
            if not openid:
                raise WeChatPayError(400, "PARAM_ERROR", "payer.openid is required for JSAPI")
            body["payer"] = {"openid": openid}
        if endpoint == "h5":
            body["scene_info"] = {
                "payer_client_ip": client_ip or "127.0.0.1",
                "h5_info": {"type": "Wap"},
            }
        _, data = await self._call("POST", f"/v3/pay/transactions/{endpoint}", body)
        if endpoint == "native":
            return {"code_url": data["code_url"]}
        if endpoint == "h5":
            return {"h5_url": data["h5_url"]}
        prepay_id = data["prepay_id"]
        stamp, nonce_str = str(int(time.time())), protocol.nonce()
        if endpoint == "jsapi":
            package = f"prepay_id={prepay_id}"
            message = f"{order.app_id}\n{stamp}\n{nonce_str}\n{package}\n"
            return {
                "appId": order.app_id,
                "timeStamp": stamp,
                "nonceStr": nonce_str,
                "package": package,
                "signType": "RSA",
                "paySign": keys.sign(self.config.private_key, message),
            }
        message = f"{order.app_id}\n{stamp}\n{nonce_str}\n{prepay_id}\n"
        return {
            "appid": order.app_id,
            "partnerid": self.config.mchid,
            "prepayid": prepay_id,
            "package": "Sign=WXPay",
            "noncestr": nonce_str,
            "timestamp": stamp,
            "sign": keys.sign(self.config.private_key, message),
        }

    async def query(self, out_trade_no: str) -> ProviderResult:
        path = f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={self.config.mchid}"
        try:
            _, data = await self._call("GET", path)
        except WeChatPayError as exc:
            if exc.code == "ORDER_NOT_EXIST":
                return ProviderResult(out_trade_no, TradeState.unknown_order, "", "", None)
            raise
        return transaction_result(data)

    async def close(self, out_trade_no: str) -> None:
        path = f"/v3/pay/transactions/out-trade-no/{out_trade_no}/close"
        await self._call("POST", path, {"mchid": self.config.mchid})

    # -- refunds -------------------------------------------------------------------
    async def refund(self, order: PaymentOrder, refund: Refund) -> dict[str, Any]:
        body = {
            "out_trade_no": order.out_trade_no,
            "out_refund_no": refund.out_refund_no,
            "reason": refund.reason,
            "notify_url": self.config.notify_url,
            "amount": {"refund": refund.amount, "total": order.amount, "currency": "CNY"},
        }
        _, data = await self._call("POST", "/v3/refund/domestic/refunds", body)
        return dict(data)

    async def query_refund(self, out_refund_no: str) -> dict[str, Any]:
        _, data = await self._call("GET", f"/v3/refund/domestic/refunds/{out_refund_no}")
        return dict(data)

    # -- bills ---------------------------------------------------------------------
    async def trade_bill(self, day: date) -> list[Entry]:
        """The day's trade bill (交易账单, ALL): payments and refunds as ``Entry``."""
        try:
            _, meta = await self._call(
                "GET", f"/v3/bill/tradebill?bill_date={day.isoformat()}&bill_type=ALL"
            )
        except WeChatPayError as exc:
            if exc.code == "NO_STATEMENT_EXIST":
                return []
            raise
        url = urlsplit(meta["download_url"])
        path = url.path + (f"?{url.query}" if url.query else "")
        _, content = await self._call("GET", path, signed=False)
        # The download is not signed: its hash, from the signed answer, vouches for it.
        digest = hashlib.sha1(content, usedforsecurity=False).hexdigest()
        if meta.get("hash_type") != "SHA1" or digest != meta.get("hash_value"):
            raise WeChatPayError(200, "BILL_HASH_MISMATCH", "the bill does not match its hash")
        return parse_trade_bill(content.decode("utf-8-sig"))


def parse_trade_bill(text: str) -> list[Entry]:
    """WeChat Pay's trade bill CSV: a header, rows with each field prefixed by a backtick,
    then a summary header and row. SUCCESS rows are payments; REFUND rows refunds."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [h.strip() for h in rows[0]]
    col = {name: i for i, name in enumerate(header)}
    entries: list[Entry] = []
    for row in rows[1:]:
        if not row or row[0].startswith("总"):
            break
        values = [v.strip().lstrip("`") for v in row]
        state = values[col["交易状态"]]
        mchid = values[col["商户号"]]
        if state == "SUCCESS":
            entries.append(
                Entry(
                    EntryKind.payment,
                    values[col["商户订单号"]],
                    yuan_to_fen(values[col["订单金额"]]),
                    mchid,
                    values[col["微信订单号"]],
                )
            )
        elif state == "REFUND":
            entries.append(
                Entry(
                    EntryKind.refund,
                    values[col["商户退款单号"]],
                    yuan_to_fen(values[col["申请退款金额"]]),
                    mchid,
                    values[col["微信退款单号"]],
                )
            )
    return entries
