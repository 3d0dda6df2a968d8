"""A local Alipay gateway speaking the real protocol (RSA2 both ways).

``/gateway.do`` takes GET or form POST, verifies the application's signature with its
public key (15-minute timestamp window), and answers ``{"<method>_response": ...,
"sign": ...}`` signed with the simulator's Alipay key. Paid trades are announced to the
order's ``notify_url`` as signed form posts, sent again until answered ``success``.
A QR trade exists at Alipay only once scanned, as with the real precreate.

``/sim/...`` is the payer's side: scan and pay, pay without a notification (recovery
tests), notify again. Keys are generated at start: nothing here is a real secret.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from parking_payment.adapters import keys
from parking_payment.adapters.alipay.bills import render_bill_zip
from parking_payment.adapters.alipay.protocol import (
    CN,
    SUCCESS,
    content_to_sign,
    dumps,
    parse_timestamp,
    response_key,
    timestamp,
)
from parking_payment.domain.errors import DomainError
from parking_payment.domain.money import fen_to_yuan, yuan_to_fen

log = logging.getLogger(__name__)
_CREATING = {
    "alipay.trade.precreate",
    "alipay.trade.create",
    "alipay.trade.wap.pay",
    "alipay.trade.page.pay",
    "alipay.trade.app.pay",
}


@dataclass
class SimTrade:
    method: str
    out_trade_no: str
    amount: int
    subject: str
    notify_url: str | None
    time_expire: datetime | None
    created_at: datetime
    trade_no: str
    exists: bool  # a QR trade appears at Alipay when scanned
    status: str = "WAIT_BUYER_PAY"
    buyer_id: str | None = None
    paid_at: datetime | None = None
    refunded: int = 0


@dataclass
class SimRefund:
    out_trade_no: str
    out_request_no: str
    amount: int
    at: datetime


class AlipaySimulator:
    def __init__(
        self,
        *,
        app_id: str,
        seller_id: str,
        app_public_key: rsa.RSAPublicKey,
        alipay_key: rsa.RSAPrivateKey | None = None,
        clock: Callable[[], float] = time.time,
        retry_delays: tuple[float, ...] = (0.0, 0.2, 0.5, 1.0, 2.0, 5.0),
    ) -> None:
        self.app_id = app_id
        self.seller_id = seller_id
        self.app_public_key = app_public_key
        self.alipay_key = alipay_key or keys.new_key()
        self.clock = clock
        self.retry_delays = retry_delays
        self.trades: dict[str, SimTrade] = {}
        self.refunds: dict[str, SimRefund] = {}
        self.deliveries: list[dict[str, Any]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.app = Starlette(
            routes=[
                Route("/gateway.do", self._gateway, methods=["GET", "POST"]),
                Route("/sim/bill", self._bill, methods=["GET"]),
                Route("/sim/pay", self._sim_pay, methods=["POST"]),
                Route("/sim/notify/{no}", self._sim_notify, methods=["POST"]),
            ]
        )
        self.base_url = ""

    @property
    def alipay_public_key(self) -> rsa.RSAPublicKey:
        return self.alipay_key.public_key()

    # -- protocol ------------------------------------------------------------------
    def _answer(self, method: str, body: dict[str, Any]) -> Response:
        member = dumps(body)
        signature = keys.sign(self.alipay_key, member)
        text = f'{{"{response_key(method)}":{member},"sign":"{signature}"}}'
        return Response(text, media_type="application/json;charset=utf-8")

    def _fail(self, method: str, code: str, sub_code: str, sub_msg: str) -> Response:
        msg = {"40002": "Invalid Arguments", "40004": "Business Failed"}.get(code, "Failed")
        body = {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg}
        return self._answer(method, body)

    async def _gateway(self, request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.form()).items()})
        method = params.get("method", "")
        if params.get("app_id") != self.app_id:
            error = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-app-id"}
            return JSONResponse({"error_response": error})
        signature = params.get("sign", "")
        if params.get("sign_type") != "RSA2" or not keys.verify(
            self.app_public_key, content_to_sign(params), signature
        ):
            return self._fail(method, "40002", "isv.invalid-signature", "验签出错")
        try:
            sent = parse_timestamp(params.get("timestamp", "")).timestamp()
        except ValueError:
            return self._fail(method, "40002", "isv.invalid-timestamp", "时间戳格式错误")
        if abs(self.clock() - sent) > 900:
            return self._fail(method, "40002", "isv.invalid-timestamp", "时间戳超出允许范围")
        try:
            biz = json.loads(params.get("biz_content") or "{}")
        except ValueError:
            return self._fail(method, "40002", "isv.invalid-biz-content", "业务参数格式错误")
        handler = {
            "alipay.trade.query": self._query,
            "alipay.trade.close": self._close,
            "alipay.trade.refund": self._refund,
            "alipay.trade.fastpay.refund.query": self._refund_query,
            "alipay.data.dataservice.bill.downloadurl.query": self._bill_url,
        }.get(method)
        if method in _CREATING:
            return self._create(method, params, biz)
        if handler is None:
            return self._fail(method, "40004", "isv.invalid-method", "不存在的方法名")
        return handler(method, biz)

    def _state(self, trade: SimTrade) -> str:
        expire = trade.time_expire
        if trade.status == "WAIT_BUYER_PAY" and expire and self.clock() >= expire.timestamp():
            trade.status = "TRADE_CLOSED"
        return trade.status

    def _create(self, method: str, params: dict[str, str], biz: dict[str, Any]) -> Response:
        try:
            no, amount = str(biz["out_trade_no"]), yuan_to_fen(str(biz["total_amount"]))
            subject = str(biz["subject"])
        except (KeyError, DomainError):
            return self._fail(method, "40004", "ACQ.INVALID_PARAMETER", "参数无效")
        existing = self.trades.get(no)
        if existing is not None:
            if self._state(existing) != "WAIT_BUYER_PAY":
                return self._fail(method, "40004", "ACQ.TRADE_HAS_SUCCESS", "交易已被支付")
            if existing.amount != amount:
                return self._fail(method, "40004", "ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改")
            trade = existing
        else:
            expire = biz.get("time_expire")
            trade = SimTrade(
                method,
                no,
                amount,
                subject,
                params.get("notify_url"),
                parse_timestamp(expire) if expire else None,
                datetime.fromtimestamp(self.clock(), UTC),
                datetime.now(CN).strftime("%Y%m%d") + "2200" + secrets.token_hex(7),
                exists=method != "alipay.trade.precreate",
            )
            self.trades[no] = trade
        if method == "alipay.trade.precreate":
            body = {"code": SUCCESS, "msg": "Success", "out_trade_no": no}
            body["qr_code"] = f"https://qr.alipay.com/{trade.trade_no}"
            return self._answer(method, body)
        if method == "alipay.trade.create":
            trade.buyer_id = str(biz.get("buyer_id") or "")
            body = {"code": SUCCESS, "msg": "Success", "out_trade_no": no}
            body["trade_no"] = trade.trade_no
            return self._answer(method, body)
        page = (
            f"<html><body><h1>支付宝收银台（模拟）</h1><p>{subject}</p>"
            f"<p>¥{fen_to_yuan(amount)}</p><p>{no}</p></body></html>"
        )
        return HTMLResponse(page)

    def _query(self, method: str, biz: dict[str, Any]) -> Response:
        trade = self.trades.get(str(biz.get("out_trade_no")))
        if trade is None or not trade.exists:
            return self._fail(method, "40004", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        body: dict[str, Any] = {
            "code": SUCCESS,
            "msg": "Success",
            "out_trade_no": trade.out_trade_no,
            "trade_no": trade.trade_no,
            "trade_status": self._state(trade),
            "total_amount": fen_to_yuan(trade.amount),
        }
        if trade.paid_at:
            body["send_pay_date"] = timestamp(trade.paid_at)
            body["buyer_user_id"] = trade.buyer_id
            body["receipt_amount"] = fen_to_yuan(trade.amount)
        return self._answer(method, body)

    def _close(self, method: str, biz: dict[str, Any]) -> Response:
        trade = self.trades.get(str(biz.get("out_trade_no")))
        if trade is None or not trade.exists:
            return self._fail(method, "40004", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        if self._state(trade) != "WAIT_BUYER_PAY":
            return self._fail(method, "40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
        trade.status = "TRADE_CLOSED"
        body = {"code": SUCCESS, "msg": "Success", "out_trade_no": trade.out_trade_no}
        return self._answer(method, body)

    def _refund(self, method: str, biz: dict[str, Any]) -> Response:
        trade = self.trades.get(str(biz.get("out_trade_no")))
        if trade is None or not trade.exists:
            return self._fail(method, "40004", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        request_no = str(biz.get("out_request_no") or trade.out_trade_no)
        try:
            amount = yuan_to_fen(str(biz.get("refund_amount")))
        except DomainError:
            return self._fail(method, "40004", "ACQ.INVALID_PARAMETER", "退款金额无效")
        if request_no not in self.refunds:
            if self._state(trade) != "TRADE_SUCCESS":
                return self._fail(method, "40004", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
            if trade.refunded + amount > trade.amount:
                return self._fail(method, "40004", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限")
            now = datetime.fromtimestamp(self.clock(), CN)
            self.refunds[request_no] = SimRefund(trade.out_trade_no, request_no, amount, now)
            trade.refunded += amount
        body = {
            "code": SUCCESS,
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "fund_change": "Y",
            "refund_fee": fen_to_yuan(trade.refunded),
        }
        return self._answer(method, body)

    def _refund_query(self, method: str, biz: dict[str, Any]) -> Response:
        refund = self.refunds.get(str(biz.get("out_request_no")))
        body: dict[str, Any] = {"code": SUCCESS, "msg": "Success"}
        if refund is not None and refund.out_trade_no == biz.get("out_trade_no"):
            body.update(
                out_trade_no=refund.out_trade_no,
                out_request_no=refund.out_request_no,
                refund_amount=fen_to_yuan(refund.amount),
                refund_status="REFUND_SUCCESS",
            )
        return self._answer(method, body)

    def _bill_url(self, method: str, biz: dict[str, Any]) -> Response:
        day = str(biz.get("bill_date", ""))
        token = secrets.token_urlsafe(8)
        url = f"{self.base_url}/sim/bill?day={day}&token={token}"
        return self._answer(method, {"code": SUCCESS, "msg": "Success", "bill_download_url": url})

    async def _bill(self, request: Request) -> Response:
        day = date.fromisoformat(request.query_params["day"])
        return Response(render_bill_zip(self, day), media_type="application/zip")

    # -- notifications -------------------------------------------------------------
    def notification(
        self, trade: SimTrade, *, notify_time: datetime | None = None
    ) -> dict[str, str]:
        params = {
            "notify_time": timestamp(notify_time or datetime.fromtimestamp(self.clock(), CN)),
            "notify_type": "trade_status_sync",
            "notify_id": secrets.token_hex(16),
            "app_id": self.app_id,
            "charset": "utf-8",
            "version": "1.0",
            "sign_type": "RSA2",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "trade_status": self._state(trade),
            "total_amount": fen_to_yuan(trade.amount),
            "receipt_amount": fen_to_yuan(trade.amount),
            "buyer_pay_amount": fen_to_yuan(trade.amount),
            "seller_id": self.seller_id,
            "buyer_id": trade.buyer_id or "",
            "subject": trade.subject,
            "gmt_create": timestamp(trade.created_at),
            "gmt_payment": timestamp(trade.paid_at) if trade.paid_at else "",
        }
        params = {k: v for k, v in params.items() if v}
        params["sign"] = keys.sign(
            self.alipay_key, content_to_sign(params, exclude=("sign", "sign_type"))
        )
        return params

    async def _deliver(self, trade: SimTrade) -> None:
        if not trade.notify_url:
            return
        async with httpx.AsyncClient(timeout=5) as client:
            for delay in self.retry_delays:
                await asyncio.sleep(delay)
                try:
                    answer = await client.post(trade.notify_url, data=self.notification(trade))
                    status, text = answer.status_code, answer.text.strip()
                except httpx.HTTPError as exc:
                    status, text = 0, str(exc)
                self.deliveries.append({"out_trade_no": trade.out_trade_no, "answer": text})
                if status == 200 and text == "success":
                    return

    # -- the payer's side ----------------------------------------------------------
    async def _sim_pay(self, request: Request) -> Response:
        data = await request.json()
        no = data.get("out_trade_no")
        if not no and data.get("qr_code"):
            token = str(data["qr_code"]).rsplit("/", 1)[-1]
            no = next((t.out_trade_no for t in self.trades.values() if t.trade_no == token), None)
        trade = self.trades.get(no or "")
        if trade is None:
            return JSONResponse({"error": "no such trade"}, 404)
        if self._state(trade) != "WAIT_BUYER_PAY":
            return JSONResponse({"error": trade.status}, 409)
        trade.exists = True
        trade.status = "TRADE_SUCCESS"
        trade.buyer_id = str(data.get("buyer_id") or "2088" + secrets.token_hex(6))
        trade.paid_at = datetime.fromtimestamp(self.clock(), CN).replace(microsecond=0)
        if data.get("deliver", True):
            task = asyncio.get_running_loop().create_task(self._deliver(trade))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return JSONResponse({"trade_no": trade.trade_no, "out_trade_no": trade.out_trade_no})

    async def _sim_notify(self, request: Request) -> Response:
        trade = self.trades.get(request.path_params["no"])
        if trade is None or trade.paid_at is None:
            return JSONResponse({"error": "not paid"}, 404)
        await self._deliver(trade)
        return JSONResponse(self.deliveries[-1])
