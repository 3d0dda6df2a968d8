"""Alipay client (async, httpx), RSA2: QR (precreate), mini-program (create), H5
(wap.pay), web (page.pay) and app (app.pay) payments, query, close, refunds, bills.

Server calls are form POSTs to the gateway; each answer's signature is verified over
the exact text of its ``<method>_response`` before anything in it is believed. The
browser and app channels are signed parameter strings the payer's side opens; they
never pass through our server. Production and the simulator differ only in the gateway.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote_plus

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from parking_payment.adapters import keys
from parking_payment.adapters.alipay.protocol import (
    SUCCESS,
    TRADE_STATES,
    content_to_sign,
    dumps,
    parse_timestamp,
    response_key,
    signed_member,
    timestamp,
)
from parking_payment.domain.money import fen_to_yuan, yuan_to_fen
from parking_payment.domain.payments import (
    Channel,
    PaymentOrder,
    ProviderResult,
    Refund,
    TradeState,
)
from parking_payment.domain.reconciliation import Entry, EntryKind

PRODUCTION_GATEWAY = "https://openapi.alipay.com/gateway.do"
_CLIENT_SIDE = {
    Channel.h5: "alipay.trade.wap.pay",
    Channel.web: "alipay.trade.page.pay",
    Channel.app: "alipay.trade.app.pay",
}
_PRODUCT = {
    "alipay.trade.wap.pay": "QUICK_WAP_WAY",
    "alipay.trade.page.pay": "FAST_INSTANT_TRADE_PAY",
    "alipay.trade.app.pay": "QUICK_MSECURITY_PAY",
}


class AlipayError(Exception):
    def __init__(self, code: str, sub_code: str, message: str) -> None:
        super().__init__(f"{code} {sub_code}: {message}")
        self.code = code
        self.sub_code = sub_code
        self.message = message


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    seller_id: str  # the merchant's PID, 2088...
    private_key: rsa.RSAPrivateKey  # the application's private key
    alipay_public_key: rsa.RSAPublicKey
    notify_url: str
    gateway: str = PRODUCTION_GATEWAY
    timeout_s: float = 10.0


class AlipayClient:
    def __init__(self, config: AlipayConfig, http: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self.http = http or httpx.AsyncClient(timeout=config.timeout_s)

    async def aclose(self) -> None:
        await self.http.aclose()

    # -- transport -----------------------------------------------------------------
    def signed_params(
        self, method: str, biz: dict[str, Any], *, notify: bool = False
    ) -> dict[str, str]:
        params = {
            "app_id": self.config.app_id,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": timestamp(),
            "version": "1.0",
            "biz_content": dumps(biz),
        }
        if notify:
            params["notify_url"] = self.config.notify_url
        params["sign"] = keys.sign(self.config.private_key, content_to_sign(params))
        return params

    async def call(
        self, method: str, biz: dict[str, Any], *, notify: bool = False
    ) -> dict[str, Any]:
        params = self.signed_params(method, biz, notify=notify)
        response = await self.http.post(
            self.config.gateway + "?charset=utf-8",
            data=params,
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
        )
        raw = response.text
        key = response_key(method)
        member = signed_member(raw, key)
        if member is None:  # error_response: unsigned, says only that the call failed
            raise AlipayError("HTTP_" + str(response.status_code), "unverified", raw[:200])
        try:
            signature = json.loads(raw).get("sign", "")
            body = json.loads(member)
        except ValueError:
            raise AlipayError("MALFORMED", "malformed", raw[:200]) from None
        if not keys.verify(self.config.alipay_public_key, member, signature):
            raise AlipayError("SIGN_INVALID", "bad_signature", "the answer's signature is wrong")
        if body.get("code") != SUCCESS:
            raise AlipayError(
                str(body.get("code")), str(body.get("sub_code", "")), str(body.get("sub_msg", ""))
            )
        return dict(body)

    # -- orders --------------------------------------------------------------------
    def _biz(self, order: PaymentOrder) -> dict[str, Any]:
        return {
            "out_trade_no": order.out_trade_no,
            "total_amount": fen_to_yuan(order.amount),
            "subject": order.description,
            "time_expire": timestamp(order.expires_at),
            "passback_params": order.purpose.value,
        }

    async def prepay(self, order: PaymentOrder, *, buyer_id: str | None = None) -> dict[str, Any]:
        """Place the order; answer what the payer's side needs to pay it."""
        if order.channel is Channel.qr:
            body = await self.call("alipay.trade.precreate", self._biz(order), notify=True)
            return {"qr_code": body["qr_code"]}
        if order.channel in (Channel.mini_program, Channel.jsapi):
            if not buyer_id:
                raise AlipayError("40004", "ACQ.INVALID_PARAMETER", "buyer_id is required")
            biz = {**self._biz(order), "buyer_id": buyer_id, "product_code": "JSAPI_PAY"}
            body = await self.call("alipay.trade.create", biz, notify=True)
            return {"trade_no": body["trade_no"]}
        method = _CLIENT_SIDE[order.channel]
        biz = {**self._biz(order), "product_code": _PRODUCT[method]}
        params = self.signed_params(method, biz, notify=True)
        query = "&".join(f"{k}={quote_plus(v)}" for k, v in params.items())
        if order.channel is Channel.app:
            return {"order_string": query}
        return {"pay_url": f"{self.config.gateway}?{query}"}

    async def query(self, out_trade_no: str) -> ProviderResult:
        try:
            body = await self.call("alipay.trade.query", {"out_trade_no": out_trade_no})
        except AlipayError as exc:
            if exc.sub_code == "ACQ.TRADE_NOT_EXIST":
                return ProviderResult(out_trade_no, TradeState.unknown_order, "", "", None)
            raise
        paid = body.get("send_pay_date")
        return ProviderResult(
            out_trade_no=str(body.get("out_trade_no", "")),
            state=TRADE_STATES.get(str(body.get("trade_status")), TradeState.not_paid),
            # a signed answer to our own signed question: this merchant, this app
            merchant_id=self.config.seller_id,
            app_id=self.config.app_id,
            amount=yuan_to_fen(body["total_amount"]) if body.get("total_amount") else None,
            trade_no=body.get("trade_no"),
            paid_at=parse_timestamp(paid) if paid else None,
            payer=body.get("buyer_user_id"),
        )

    async def close(self, out_trade_no: str) -> None:
        """Close an unpaid trade. A QR order nobody scanned does not exist at Alipay yet:
        nothing to close there (``ACQ.TRADE_NOT_EXIST`` is fine)."""
        try:
            await self.call("alipay.trade.close", {"out_trade_no": out_trade_no})
        except AlipayError as exc:
            if exc.sub_code != "ACQ.TRADE_NOT_EXIST":
                raise

    async def refund(self, order: PaymentOrder, refund: Refund) -> dict[str, Any]:
        biz = {
            "out_trade_no": order.out_trade_no,
            "refund_amount": fen_to_yuan(refund.amount),
            "out_request_no": refund.out_refund_no,
            "refund_reason": refund.reason,
        }
        return await self.call("alipay.trade.refund", biz)

    async def query_refund(self, order: PaymentOrder, refund: Refund) -> dict[str, Any]:
        biz = {"out_trade_no": order.out_trade_no, "out_request_no": refund.out_refund_no}
        return await self.call("alipay.trade.fastpay.refund.query", biz)

    async def trade_bill(self, day: date) -> list[Entry]:
        """The day's trade bill: a ZIP of GBK CSVs; the 业务明细 file lists every line."""
        try:
            body = await self.call(
                "alipay.data.dataservice.bill.downloadurl.query",
                {"bill_type": "trade", "bill_date": day.isoformat()},
            )
        except AlipayError as exc:
            if exc.sub_code == "isp.bill_not_exist":
                return []
            raise
        archive = await self.http.get(body["bill_download_url"])
        archive.raise_for_status()
        return parse_trade_bill(archive.content, self.config.seller_id)


def parse_trade_bill(data: bytes, seller_id: str) -> list[Entry]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(
            n for n in archive.namelist() if n.endswith("业务明细.csv") or n.endswith(".csv")
        )
        text = archive.read(name).decode("gb18030")
    rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
    if not rows:
        return []
    col = {h.strip(): i for i, h in enumerate(rows[0])}
    entries: list[Entry] = []
    for row in rows[1:]:
        v = [x.strip() for x in row]
        kind = v[col["业务类型"]]
        if kind == "交易":
            entries.append(
                Entry(
                    EntryKind.payment,
                    v[col["商户订单号"]],
                    yuan_to_fen(v[col["订单金额（元）"]]),
                    seller_id,
                    v[col["支付宝交易号"]],
                )
            )
        elif kind == "退款":
            entries.append(
                Entry(
                    EntryKind.refund,
                    v[col["退款批次号/请求号"]],
                    yuan_to_fen(v[col["商家实收（元）"]].lstrip("-")),
                    seller_id,
                    v[col["支付宝交易号"]],
                )
            )
    return entries
