"""Verify Alipay's asynchronous notifications (异步通知).

Accepted only when the RSA2 signature over the sorted parameters (without ``sign`` and
``sign_type``) verifies with Alipay's public key, ``sign_type`` is RSA2, ``app_id`` is
ours, and ``notify_time`` is within the window. Alipay sends the same notification again
for about 25 hours until answered ``success``, so the window is wider than WeChat Pay's;
what stops a replay from counting twice is that each notification is applied once (its
``notify_id`` is recorded) and the order's rules (amount, seller, once).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from parking_payment.adapters import keys
from parking_payment.adapters.alipay.protocol import (
    TRADE_STATES,
    content_to_sign,
    parse_timestamp,
)
from parking_payment.adapters.callbacks import CallbackRejected
from parking_payment.domain.errors import DomainError
from parking_payment.domain.money import yuan_to_fen
from parking_payment.domain.payments import ProviderResult, TradeState

RETRY_WINDOW_S = 26 * 3600

__all__ = ["AlipayNotification", "CallbackRejected", "NotifyVerifier"]


@dataclass(frozen=True, slots=True)
class AlipayNotification:
    notify_id: str
    notify_type: str
    params: dict[str, str]

    def result(self) -> ProviderResult:
        p = self.params
        try:
            amount = yuan_to_fen(p["total_amount"]) if p.get("total_amount") else None
        except DomainError:
            raise CallbackRejected("malformed") from None
        paid = p.get("gmt_payment")
        return ProviderResult(
            out_trade_no=p.get("out_trade_no", ""),
            state=TRADE_STATES.get(p.get("trade_status", ""), TradeState.not_paid),
            merchant_id=p.get("seller_id", ""),
            app_id=p.get("app_id", ""),
            amount=amount,
            trade_no=p.get("trade_no"),
            paid_at=parse_timestamp(paid) if paid else None,
            payer=p.get("buyer_id") or p.get("buyer_open_id"),
        )


class NotifyVerifier:
    def __init__(
        self,
        app_id: str,
        alipay_public_key: rsa.RSAPublicKey,
        *,
        window_s: int = RETRY_WINDOW_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app_id = app_id
        self.key = alipay_public_key
        self.window_s = window_s
        self.clock = clock

    def verify(self, params: Mapping[str, str]) -> AlipayNotification:
        p = dict(params)
        signature = p.get("sign")
        if not signature:
            raise CallbackRejected("signature_missing")
        if p.get("sign_type", "RSA2") != "RSA2":
            raise CallbackRejected("unsupported_signature_type")
        message = content_to_sign(p, exclude=("sign", "sign_type"))
        if not keys.verify(self.key, message, signature):
            raise CallbackRejected("bad_signature")
        if p.get("app_id") != self.app_id:
            raise CallbackRejected("app_mismatch")
        try:
            sent = parse_timestamp(p["notify_time"]).timestamp()
        except (KeyError, ValueError):
            raise CallbackRejected("timestamp_malformed") from None
        if abs(self.clock() - sent) > self.window_s:
            raise CallbackRejected("timestamp_out_of_window")
        if not p.get("notify_id"):
            raise CallbackRejected("malformed")
        return AlipayNotification(p["notify_id"], p.get("notify_type", ""), p)
