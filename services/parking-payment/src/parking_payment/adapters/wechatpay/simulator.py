"""A local WeChat Pay: the APIv3 endpoints the service uses, speaking the real protocol.

It verifies each request's ``Authorization`` with the merchant's public key (a request
signed with another key, for another merchant or outside the 5-minute window gets 401
``SIGN_ERROR``), signs every answer with its platform key (serial ``PUB_KEY_ID_...``),
and sends callbacks signed and AES-256-GCM encrypted with the APIv3 key to the order's
``notify_url``, retrying until answered 2xx, as WeChat Pay does. Test keys are generated
at start; nothing here is a real secret.

Beside the protocol, ``/sim/...`` is the payer's side: pay an order (as if the QR code
was scanned or the mini-program's pay sheet confirmed), deliver a callback again, or pay
without a callback (the crash-recovery tests: only a query finds the payment).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from parking_payment.adapters import keys
from parking_payment.adapters.wechatpay import protocol
from parking_payment.adapters.wechatpay.bills import render_trade_bill

log = logging.getLogger(__name__)
CN = ZoneInfo("Asia/Shanghai")


@dataclass
class SimOrder:
    kind: str  # native, jsapi, app, h5
    appid: str
    out_trade_no: str
    description: str
    amount: int
    notify_url: str
    time_expire: datetime | None
    body: str  # the request as first received (a repeat must be identical)
    created_at: datetime
    attach: str = ""
    state: str = "NOTPAY"
    transaction_id: str | None = None
    success_time: datetime | None = None
    openid: str | None = None
    prepay_id: str = field(default_factory=lambda: "wx" + secrets.token_hex(15))
    code_token: str = field(default_factory=lambda: secrets.token_urlsafe(12))


@dataclass
class SimRefund:
    out_trade_no: str
    out_refund_no: str
    refund_id: str
    amount: int
    total: int
    reason: str
    notify_url: str | None
    created_at: datetime
    status: str = "PROCESSING"
    success_time: datetime | None = None


class WeChatPaySimulator:
    def __init__(
        self,
        *,
        mchid: str,
        appids: set[str],
        merchant_public_key: rsa.RSAPublicKey,
        merchant_serial: str,
        apiv3_key: bytes,
        platform_key: rsa.RSAPrivateKey | None = None,
        public_key_id: str | None = None,
        clock: Callable[[], float] = time.time,
        retry_delays: tuple[float, ...] = (0.0, 0.2, 0.5, 1.0, 2.0, 5.0),
    ) -> None:
        self.mchid = mchid
        self.appids = appids
        self.merchant_public_key = merchant_public_key
        self.merchant_serial = merchant_serial
        self.apiv3_key = apiv3_key
        self.platform_key = platform_key or keys.new_key()
        self.public_key_id = public_key_id or "PUB_KEY_ID_" + secrets.token_hex(12).upper()
        self.clock = clock
        self.retry_delays = retry_delays
        self.orders: dict[str, SimOrder] = {}
        self.refunds: dict[str, SimRefund] = {}
        self.deliveries: list[dict[str, Any]] = []  # every callback attempt and its answer
        self._tasks: set[asyncio.Task[None]] = set()
        self.app = Starlette(routes=self._routes())

    @property
    def platform_public_key(self) -> rsa.RSAPublicKey:
        return self.platform_key.public_key()

    # -- protocol plumbing ---------------------------------------------------------
    def _routes(self) -> list[Route]:
        return [
            Route("/v3/pay/transactions/{kind}", self._create, methods=["POST"]),
            Route("/v3/pay/transactions/out-trade-no/{no}", self._query, methods=["GET"]),
            Route("/v3/pay/transactions/out-trade-no/{no}/close", self._close, methods=["POST"]),
            Route("/v3/refund/domestic/refunds", self._refund, methods=["POST"]),
            Route("/v3/refund/domestic/refunds/{no}", self._query_refund, methods=["GET"]),
            Route("/v3/bill/tradebill", self._tradebill, methods=["GET"]),
            Route("/v3/billdownload/file", self._download, methods=["GET"]),
            Route("/sim/pay", self._sim_pay, methods=["POST"]),
            Route("/sim/notify/{no}", self._sim_notify, methods=["POST"]),
            Route("/sim/orders/{no}", self._sim_order, methods=["GET"]),
            Route("/sim/deliveries", self._sim_deliveries, methods=["GET"]),
        ]

    def signed_headers(self, body: str, timestamp: int | None = None) -> dict[str, str]:
        ts = str(int(self.clock()) if timestamp is None else timestamp)
        nonce_str = protocol.nonce()
        message = protocol.response_message(ts, nonce_str, body)
        return {
            "Wechatpay-Timestamp": ts,
            "Wechatpay-Nonce": nonce_str,
            "Wechatpay-Signature": keys.sign(self.platform_key, message),
            "Wechatpay-Serial": self.public_key_id,
            "Wechatpay-Signature-Type": protocol.SCHEMA,
            "Request-ID": secrets.token_hex(16),
        }

    def _answer(self, status: int, data: dict[str, Any] | None = None) -> Response:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")) if data else ""
        headers = self.signed_headers(body)
        media = "application/json" if data is not None else None
        return Response(body, status_code=status, headers=headers, media_type=media)

    def _error(self, status: int, code: str, message: str) -> Response:
        return self._answer(status, {"code": code, "message": message})

    async def _authenticate(self, request: Request) -> tuple[str, Response | None]:
        body = (await request.body()).decode()
        auth = protocol.parse_authorization(request.headers.get("authorization", ""))
        if auth is None:
            return body, self._error(401, "SIGN_ERROR", "Authorization 缺失或格式错误")
        if auth["mchid"] != self.mchid or auth["serial_no"] != self.merchant_serial:
            return body, self._error(401, "SIGN_ERROR", "商户号或证书序列号不匹配")
        if abs(self.clock() - int(auth["timestamp"])) > 300:
            return body, self._error(401, "SIGN_ERROR", "请求时间戳超出 5 分钟")
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        message = protocol.request_message(
            request.method, path, auth["timestamp"], auth["nonce_str"], body
        )
        if not keys.verify(self.merchant_public_key, message, auth["signature"]):
            return body, self._error(401, "SIGN_ERROR", "签名错误")
        return body, None

    def _state(self, order: SimOrder) -> str:
        expire = order.time_expire
        if order.state == "NOTPAY" and expire and self.clock() >= expire.timestamp():
            order.state = "CLOSED"
        return order.state

    def transaction(self, order: SimOrder) -> dict[str, Any]:
        state = self._state(order)
        data: dict[str, Any] = {
            "appid": order.appid,
            "mchid": self.mchid,
            "out_trade_no": order.out_trade_no,
            "trade_state": state,
            "trade_state_desc": {"SUCCESS": "支付成功", "NOTPAY": "未支付"}.get(state, state),
            "attach": order.attach,
            "amount": {"total": order.amount, "currency": "CNY"},
        }
        if order.transaction_id:
            data.update(
                transaction_id=order.transaction_id,
                trade_type={"native": "NATIVE", "jsapi": "JSAPI"}.get(order.kind, "APP"),
                bank_type="OTHERS",
                success_time=order.success_time.isoformat() if order.success_time else None,
                payer={"openid": order.openid},
            )
            data["amount"].update(payer_total=order.amount, payer_currency="CNY")
        return data

    # -- WeChat Pay endpoints ------------------------------------------------------
    async def _create(self, request: Request) -> Response:
        body, refused = await self._authenticate(request)
        if refused:
            return refused
        kind = request.path_params["kind"]
        if kind not in ("native", "jsapi", "app", "h5"):
            return self._error(404, "NOT_FOUND", "无此接口")
        try:
            data = json.loads(body)
            total = int(data["amount"]["total"])
            no, appid = str(data["out_trade_no"]), str(data["appid"])
            desc, notify_url = str(data["description"]), str(data["notify_url"])
        except (ValueError, KeyError, TypeError):
            return self._error(400, "PARAM_ERROR", "参数错误")
        if data.get("mchid") != self.mchid or appid not in self.appids:
            return self._error(400, "APPID_MCHID_NOT_MATCH", "appid 和 mch_id 不匹配")
        if total <= 0 or not 6 <= len(no) <= 32:
            return self._error(400, "PARAM_ERROR", "金额或商户订单号不合法")
        if kind == "jsapi" and not (data.get("payer") or {}).get("openid"):
            return self._error(400, "PARAM_ERROR", "JSAPI 下单须提供 payer.openid")
        existing = self.orders.get(no)
        if existing is not None:
            if self._state(existing) == "SUCCESS":
                return self._error(400, "ORDERPAID", "该订单已支付")
            if existing.body != body and json.loads(existing.body) != data:
                return self._error(400, "INVALID_REQUEST", "商户订单号重复")
            order = existing
        else:
            expire = data.get("time_expire")
            order = SimOrder(
                kind,
                appid,
                no,
                desc,
                total,
                notify_url,
                datetime.fromisoformat(expire) if expire else None,
                body,
                datetime.fromtimestamp(self.clock(), UTC),
                attach=str(data.get("attach", "")),
            )
            self.orders[no] = order
        if kind == "native":
            return self._answer(
                200, {"code_url": f"weixin://wxpay/bizpayurl?pr={order.code_token}"}
            )
        if kind == "h5":
            return self._answer(
                200, {"h5_url": f"https://wx.tenpay.com/checkmweb?prepay_id={order.prepay_id}"}
            )
        return self._answer(200, {"prepay_id": order.prepay_id})

    async def _query(self, request: Request) -> Response:
        _, refused = await self._authenticate(request)
        if refused:
            return refused
        order = self.orders.get(request.path_params["no"])
        if order is None or request.query_params.get("mchid") != self.mchid:
            return self._error(404, "ORDER_NOT_EXIST", "订单不存在")
        return self._answer(200, self.transaction(order))

    async def _close(self, request: Request) -> Response:
        _, refused = await self._authenticate(request)
        if refused:
            return refused
        order = self.orders.get(request.path_params["no"])
        if order is None:
            return self._error(404, "ORDER_NOT_EXIST", "订单不存在")
        if self._state(order) in ("SUCCESS", "REFUND"):
            return self._error(400, "ORDERPAID", "订单已支付，不能关闭")
        order.state = "CLOSED"
        return self._answer(204)

    async def _refund(self, request: Request) -> Response:
        body, refused = await self._authenticate(request)
        if refused:
            return refused
        try:
            data = json.loads(body)
            order = self.orders[data["out_trade_no"]]
            out_refund_no = str(data["out_refund_no"])
            amount, total = int(data["amount"]["refund"]), int(data["amount"]["total"])
        except (ValueError, KeyError, TypeError):
            return self._error(400, "PARAM_ERROR", "参数错误或订单不存在")
        if out_refund_no in self.refunds:
            return self._answer(200, self.refund_view(self.refunds[out_refund_no]))
        if self._state(order) not in ("SUCCESS", "REFUND") or total != order.amount:
            return self._error(400, "INVALID_REQUEST", "订单未支付或订单金额不符")
        done = sum(r.amount for r in self.refunds.values() if r.out_trade_no == order.out_trade_no)
        if amount <= 0 or done + amount > order.amount:
            return self._error(400, "INVALID_REQUEST", "退款金额超过订单可退金额")
        refund = SimRefund(
            order.out_trade_no,
            out_refund_no,
            "50" + secrets.token_hex(14),
            amount,
            total,
            str(data.get("reason", "")),
            data.get("notify_url"),
            datetime.fromtimestamp(self.clock(), UTC),
        )
        self.refunds[out_refund_no] = refund
        order.state = "REFUND"
        answer = self.refund_view(refund)
        self._spawn(self._settle_refund(refund))
        return self._answer(200, answer)

    async def _settle_refund(self, refund: SimRefund) -> None:
        refund.status = "SUCCESS"
        refund.success_time = datetime.fromtimestamp(self.clock(), UTC)
        if refund.notify_url:
            resource = self.refund_view(refund)
            await self._deliver(refund.notify_url, "REFUND.SUCCESS", "refund", resource, "退款成功")

    def refund_view(self, refund: SimRefund) -> dict[str, Any]:
        order = self.orders[refund.out_trade_no]
        return {
            "mchid": self.mchid,
            "refund_id": refund.refund_id,
            "out_refund_no": refund.out_refund_no,
            "transaction_id": order.transaction_id,
            "out_trade_no": order.out_trade_no,
            "status": refund.status,
            "refund_status": refund.status,
            "success_time": refund.success_time.isoformat() if refund.success_time else None,
            "create_time": refund.created_at.isoformat(),
            "amount": {"total": refund.total, "refund": refund.amount, "currency": "CNY"},
        }

    async def _query_refund(self, request: Request) -> Response:
        _, refused = await self._authenticate(request)
        if refused:
            return refused
        refund = self.refunds.get(request.path_params["no"])
        if refund is None:
            return self._error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return self._answer(200, self.refund_view(refund))

    def bill_text(self, day: date) -> str:
        return render_trade_bill(self, day)

    async def _tradebill(self, request: Request) -> Response:
        _, refused = await self._authenticate(request)
        if refused:
            return refused
        day = date.fromisoformat(request.query_params["bill_date"])
        text = self.bill_text(day).encode("utf-8")
        digest = hashlib.sha1(text, usedforsecurity=False).hexdigest()
        url = f"{request.base_url}v3/billdownload/file?token={day.isoformat()}"
        return self._answer(200, {"hash_type": "SHA1", "hash_value": digest, "download_url": url})

    async def _download(self, request: Request) -> Response:
        _, refused = await self._authenticate(request)
        if refused:
            return refused
        day = date.fromisoformat(request.query_params["token"])
        return Response(self.bill_text(day).encode("utf-8"), media_type="text/plain")

    # -- callbacks -----------------------------------------------------------------
    def callback(
        self,
        event_type: str,
        original_type: str,
        resource: dict[str, Any],
        summary: str,
        *,
        timestamp: int | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """A callback exactly as WeChat Pay would send it: headers and body."""
        plain = json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode()
        associated = original_type
        body = json.dumps(
            {
                "id": secrets.token_hex(16),
                "create_time": datetime.now(CN).isoformat(timespec="seconds"),
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": summary,
                "resource": protocol.encrypt_resource(
                    self.apiv3_key, plain, associated, original_type
                ),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        headers = self.signed_headers(body, timestamp)
        headers["Content-Type"] = "application/json"
        return headers, body.encode()

    async def _deliver(
        self, url: str, event_type: str, original_type: str, resource: dict[str, Any], summary: str
    ) -> None:
        headers, body = self.callback(event_type, original_type, resource, summary)
        async with httpx.AsyncClient(timeout=5) as client:
            for delay in self.retry_delays:
                await asyncio.sleep(delay)
                try:
                    answer = await client.post(url, content=body, headers=headers)
                    status = answer.status_code
                except httpx.HTTPError as exc:
                    status = 0
                    log.info("callback to %s failed: %s", url, exc)
                self.deliveries.append({"url": url, "event_type": event_type, "status": status})
                if 200 <= status < 300:
                    return

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- the payer's side (not WeChat Pay's API) -----------------------------------
    async def _sim_pay(self, request: Request) -> Response:
        data = await request.json()
        no = data.get("out_trade_no")
        if not no and data.get("code_url"):
            token = str(data["code_url"]).rsplit("pr=", 1)[-1]
            no = next((o.out_trade_no for o in self.orders.values() if o.code_token == token), None)
        order = self.orders.get(no or "")
        if order is None:
            return Response('{"error":"no such order"}', 404, media_type="application/json")
        if self._state(order) != "NOTPAY":
            return Response(json.dumps({"error": order.state}), 409, media_type="application/json")
        order.state = "SUCCESS"
        order.transaction_id = "42" + datetime.now(CN).strftime("%Y%m%d") + secrets.token_hex(9)
        order.success_time = datetime.fromtimestamp(self.clock(), CN).replace(microsecond=0)
        order.openid = str(data.get("openid") or "o-sim-" + secrets.token_hex(8))
        if data.get("deliver", True):
            self._spawn(self.deliver_payment(order))
        return Response(
            json.dumps(
                {"transaction_id": order.transaction_id, "out_trade_no": order.out_trade_no}
            ),
            media_type="application/json",
        )

    async def deliver_payment(self, order: SimOrder) -> None:
        await self._deliver(
            order.notify_url,
            "TRANSACTION.SUCCESS",
            "transaction",
            self.transaction(order),
            "支付成功",
        )

    async def _sim_notify(self, request: Request) -> Response:
        order = self.orders.get(request.path_params["no"])
        if order is None or order.transaction_id is None:
            return Response('{"error":"not paid"}', 404, media_type="application/json")
        await self.deliver_payment(order)
        return Response(json.dumps(self.deliveries[-1]), media_type="application/json")

    async def _sim_order(self, request: Request) -> Response:
        order = self.orders.get(request.path_params["no"])
        if order is None:
            return Response('{"error":"no such order"}', 404, media_type="application/json")
        return Response(json.dumps(self.transaction(order)), media_type="application/json")

    async def _sim_deliveries(self, request: Request) -> Response:
        return Response(json.dumps(self.deliveries), media_type="application/json")
