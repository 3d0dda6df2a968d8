"""One interface over WeChat Pay and Alipay, so the use cases never branch on provider.

A callback comes in as raw headers and body; ``parse_callback`` verifies it (or raises
``CallbackRejected``) and says what it is: a payment result or a refund result, with the
provider's own notification id (recorded so each callback is applied once). ``ack`` is
the answer the provider expects (WeChat Pay: 204, or 4xx/5xx with ``{"code": "FAIL"}``;
Alipay: the text ``success`` or ``fail``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import parse_qsl

import httpx

from parking_payment.adapters.alipay.client import AlipayClient, AlipayError
from parking_payment.adapters.alipay.notify import NotifyVerifier
from parking_payment.adapters.alipay.protocol import parse_timestamp
from parking_payment.adapters.callbacks import CallbackRejected
from parking_payment.adapters.wechatpay.client import WeChatPayClient, WeChatPayError
from parking_payment.adapters.wechatpay.notify import transaction_result
from parking_payment.domain.payments import (
    Channel,
    PaymentOrder,
    Provider,
    ProviderResult,
    Refund,
    RefundStatus,
)
from parking_payment.domain.reconciliation import Entry


class ProviderUnavailable(Exception):
    """The provider did not answer, or answered something we cannot believe: retry later,
    change nothing."""


class ProviderRefused(Exception):
    """The provider answered and refused the request itself (an amount it will not refund,
    an order it does not know): asking again will not change its answer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class AlreadyPaid(Exception):
    """Closing was refused because the order is paid: query and apply instead."""


class CallbackKind(StrEnum):
    payment = "payment"
    refund = "refund"


@dataclass(frozen=True, slots=True)
class RefundAnswer:
    out_refund_no: str
    status: RefundStatus
    refund_id: str | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CallbackEvent:
    provider: Provider
    notification_id: str
    kind: CallbackKind
    payment: ProviderResult | None = None
    refund: RefundAnswer | None = None
    out_trade_no: str = ""


@dataclass(frozen=True, slots=True)
class Ack:
    status: int
    media_type: str
    body: bytes


class PaymentProvider(Protocol):
    kind: Provider
    merchant_id: str

    def app_id_for(self, channel: Channel) -> str: ...

    async def prepay(
        self, order: PaymentOrder, *, payer: str | None = None, client_ip: str | None = None
    ) -> dict[str, Any]: ...

    async def query(self, out_trade_no: str) -> ProviderResult: ...

    async def close(self, out_trade_no: str) -> None: ...

    async def refund(self, order: PaymentOrder, refund: Refund) -> RefundAnswer: ...

    async def query_refund(self, order: PaymentOrder, refund: Refund) -> RefundAnswer: ...

    async def bill(self, day: date) -> list[Entry]: ...

    def parse_callback(self, headers: dict[str, str], body: bytes) -> CallbackEvent: ...

    def ack(self, ok: bool, reason: str = "") -> Ack: ...


_WECHAT_REFUND = {
    "SUCCESS": RefundStatus.succeeded,
    "PROCESSING": RefundStatus.processing,
    "ABNORMAL": RefundStatus.failed,
    "CLOSED": RefundStatus.failed,
}


class WeChatPayProvider:
    kind = Provider.wechat

    def __init__(self, client: WeChatPayClient) -> None:
        self.client = client
        self.merchant_id = client.config.mchid

    def app_id_for(self, channel: Channel) -> str:
        return self.client.config.appid_for(channel)

    async def prepay(
        self, order: PaymentOrder, *, payer: str | None = None, client_ip: str | None = None
    ) -> dict[str, Any]:
        return await self._guard(self.client.prepay(order, openid=payer, client_ip=client_ip))

    async def query(self, out_trade_no: str) -> ProviderResult:
        result: ProviderResult = await self._guard(self.client.query(out_trade_no))
        return result

    async def close(self, out_trade_no: str) -> None:
        try:
            await self.client.close(out_trade_no)
        except WeChatPayError as exc:
            if exc.code == "ORDERPAID":
                raise AlreadyPaid(out_trade_no) from None
            if exc.code != "ORDER_NOT_EXIST":
                raise ProviderUnavailable(str(exc)) from None
        except (OSError, httpx.HTTPError) as exc:
            raise ProviderUnavailable(str(exc)) from None

    async def refund(self, order: PaymentOrder, refund: Refund) -> RefundAnswer:
        data = await self._guard(self.client.refund(order, refund))
        return self._refund_answer(data)

    async def query_refund(self, order: PaymentOrder, refund: Refund) -> RefundAnswer:
        return self._refund_answer(
            await self._guard(self.client.query_refund(refund.out_refund_no))
        )

    async def bill(self, day: date) -> list[Entry]:
        entries: list[Entry] = await self._guard(self.client.trade_bill(day))
        return entries

    def parse_callback(self, headers: dict[str, str], body: bytes) -> CallbackEvent:
        note = self.client.verifier.notification(headers, body)
        if note.event_type.startswith("TRANSACTION."):
            result = transaction_result(note.resource)
            return CallbackEvent(
                self.kind,
                note.id,
                CallbackKind.payment,
                payment=result,
                out_trade_no=result.out_trade_no,
            )
        if note.event_type.startswith("REFUND."):
            answer = self._refund_answer(note.resource)
            return CallbackEvent(
                self.kind,
                note.id,
                CallbackKind.refund,
                refund=answer,
                out_trade_no=str(note.resource.get("out_trade_no", "")),
            )
        raise CallbackRejected("unsupported_event")

    def ack(self, ok: bool, reason: str = "") -> Ack:
        if ok:
            return Ack(204, "application/json", b"")
        body = f'{{"code":"FAIL","message":"{reason or "rejected"}"}}'.encode()
        return Ack(400, "application/json", body)

    @staticmethod
    def _refund_answer(data: dict[str, Any]) -> RefundAnswer:
        status = _WECHAT_REFUND.get(str(data.get("refund_status") or data.get("status")))
        when = data.get("success_time")
        return RefundAnswer(
            str(data.get("out_refund_no", "")),
            status or RefundStatus.processing,
            data.get("refund_id"),
            datetime.fromisoformat(when) if when else None,
        )

    @staticmethod
    async def _guard(coro: Any) -> Any:
        try:
            return await coro
        except WeChatPayError as exc:
            if exc.status >= 500 or exc.code == "SIGN_INVALID":
                raise ProviderUnavailable(str(exc)) from None
            raise ProviderRefused(exc.code, str(exc)) from exc
        except (OSError, httpx.HTTPError) as exc:
            raise ProviderUnavailable(str(exc)) from None


class AlipayProvider:
    kind = Provider.alipay

    def __init__(self, client: AlipayClient, verifier: NotifyVerifier) -> None:
        self.client = client
        self.verifier = verifier
        self.merchant_id = client.config.seller_id

    def app_id_for(self, channel: Channel) -> str:
        return self.client.config.app_id

    async def prepay(
        self, order: PaymentOrder, *, payer: str | None = None, client_ip: str | None = None
    ) -> dict[str, Any]:
        return await self._guard(self.client.prepay(order, buyer_id=payer))

    async def query(self, out_trade_no: str) -> ProviderResult:
        result: ProviderResult = await self._guard(self.client.query(out_trade_no))
        return result

    async def close(self, out_trade_no: str) -> None:
        try:
            await self.client.close(out_trade_no)
        except AlipayError as exc:
            if exc.sub_code == "ACQ.TRADE_STATUS_ERROR":
                raise AlreadyPaid(out_trade_no) from None
            raise ProviderUnavailable(str(exc)) from None
        except (OSError, httpx.HTTPError) as exc:
            raise ProviderUnavailable(str(exc)) from None

    async def refund(self, order: PaymentOrder, refund: Refund) -> RefundAnswer:
        data = await self._guard(self.client.refund(order, refund))
        ok = data.get("fund_change") == "Y"
        status = RefundStatus.succeeded if ok else RefundStatus.processing
        return RefundAnswer(refund.out_refund_no, status, data.get("trade_no"))

    async def query_refund(self, order: PaymentOrder, refund: Refund) -> RefundAnswer:
        data = await self._guard(self.client.query_refund(order, refund))
        ok = data.get("refund_status") == "REFUND_SUCCESS"
        status = RefundStatus.succeeded if ok else RefundStatus.processing
        return RefundAnswer(refund.out_refund_no, status)

    async def bill(self, day: date) -> list[Entry]:
        entries: list[Entry] = await self._guard(self.client.trade_bill(day))
        return entries

    def parse_callback(self, headers: dict[str, str], body: bytes) -> CallbackEvent:
        try:
            params = dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            raise CallbackRejected("malformed") from None
        note = self.verifier.verify(params)
        if note.notify_type != "trade_status_sync":
            raise CallbackRejected("unsupported_event")
        result = note.result()
        if params.get("refund_fee") and params.get("out_biz_no"):  # a refund's notification
            refund = RefundAnswer(
                params["out_biz_no"],
                RefundStatus.succeeded,
                params.get("trade_no"),
                parse_timestamp(params["gmt_refund"]) if params.get("gmt_refund") else None,
            )
            return CallbackEvent(
                self.kind,
                note.notify_id,
                CallbackKind.refund,
                refund=refund,
                out_trade_no=result.out_trade_no,
            )
        return CallbackEvent(
            self.kind,
            note.notify_id,
            CallbackKind.payment,
            payment=result,
            out_trade_no=result.out_trade_no,
        )

    def ack(self, ok: bool, reason: str = "") -> Ack:
        return Ack(200, "text/plain", b"success" if ok else b"fail")

    @staticmethod
    async def _guard(coro: Any) -> Any:
        try:
            return await coro
        except AlipayError as exc:
            if exc.code in ("SIGN_INVALID", "MALFORMED") or exc.code.startswith("HTTP_"):
                raise ProviderUnavailable(str(exc)) from None
            if exc.code in ("20000", "40004") and exc.sub_code.startswith("ACQ.SYSTEM_ERROR"):
                raise ProviderUnavailable(str(exc)) from None
            raise ProviderRefused(exc.sub_code or exc.code, str(exc)) from exc
        except (OSError, httpx.HTTPError) as exc:
            raise ProviderUnavailable(str(exc)) from None
