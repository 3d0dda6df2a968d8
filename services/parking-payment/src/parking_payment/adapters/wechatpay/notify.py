"""Verify what WeChat Pay sends us: callbacks (支付/退款通知) and API answers.

A callback is accepted only when its ``Wechatpay-Serial`` names a platform key we hold,
its signature verifies over ``timestamp\\nnonce\\nbody\\n``, its timestamp is within the
window (default 5 minutes either way: a replay of an old callback is refused), and its
resource decrypts with our APIv3 key. Whether it is applied is then the order's rule
(amount, merchant, app, once): see ``domain.payments.PaymentOrder.apply``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from parking_payment.adapters import keys
from parking_payment.adapters.callbacks import CallbackRejected
from parking_payment.adapters.wechatpay.protocol import (
    SCHEMA,
    TRADE_STATES,
    decrypt_resource,
    response_message,
)
from parking_payment.domain.payments import ProviderResult, TradeState

__all__ = ["CallbackRejected", "Notification", "Verifier", "transaction_result"]


@dataclass(frozen=True, slots=True)
class Notification:
    id: str
    event_type: str  # TRANSACTION.SUCCESS, REFUND.SUCCESS, REFUND.ABNORMAL, REFUND.CLOSED
    create_time: str
    summary: str
    resource: dict[str, Any]  # decrypted


class Verifier:
    def __init__(
        self,
        apiv3_key: bytes,
        platform_keys: Mapping[str, rsa.RSAPublicKey],
        *,
        window_s: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(apiv3_key) != 32:
            raise ValueError("the APIv3 key is 32 bytes")
        self.apiv3_key = apiv3_key
        self.platform_keys = dict(platform_keys)
        self.window_s = window_s
        self.clock = clock

    def check_signature(self, headers: Mapping[str, str], body: str) -> None:
        h = {k.lower(): v for k, v in headers.items()}
        signature = h.get("wechatpay-signature")
        timestamp = h.get("wechatpay-timestamp")
        nonce_str = h.get("wechatpay-nonce")
        serial = h.get("wechatpay-serial")
        if not (signature and timestamp and nonce_str and serial):
            raise CallbackRejected("signature_missing")
        if h.get("wechatpay-signature-type", SCHEMA) != SCHEMA:
            raise CallbackRejected("unsupported_signature_type")
        if signature.startswith("WECHATPAY/SIGNTEST/"):  # WeChat's own probe: never valid
            raise CallbackRejected("bad_signature")
        try:
            ts = int(timestamp)
        except ValueError:
            raise CallbackRejected("timestamp_malformed") from None
        if abs(self.clock() - ts) > self.window_s:
            raise CallbackRejected("timestamp_out_of_window")
        key = self.platform_keys.get(serial)
        if key is None:
            raise CallbackRejected("unknown_serial")
        if not keys.verify(key, response_message(timestamp, nonce_str, body), signature):
            raise CallbackRejected("bad_signature")

    def notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        try:
            text = body.decode()
        except UnicodeDecodeError:
            raise CallbackRejected("malformed") from None
        self.check_signature(headers, text)
        try:
            data = json.loads(text)
            encrypted = data["resource"]
            if data.get("resource_type") != "encrypt-resource":
                raise CallbackRejected("unsupported_resource")
            plain = decrypt_resource(self.apiv3_key, encrypted)
            resource = json.loads(plain)
            return Notification(
                id=str(data["id"]),
                event_type=str(data["event_type"]),
                create_time=str(data.get("create_time", "")),
                summary=str(data.get("summary", "")),
                resource=resource,
            )
        except CallbackRejected:
            raise
        except ValueError as exc:
            reason = "decrypt_failed" if "decrypt" in str(exc) else "malformed"
            raise CallbackRejected(reason) from None
        except (KeyError, TypeError):
            raise CallbackRejected("malformed") from None


def transaction_result(resource: Mapping[str, Any]) -> ProviderResult:
    """A decrypted ``transaction`` (callback or query answer) in our words."""
    amount = resource.get("amount") or {}
    state = TRADE_STATES.get(str(resource.get("trade_state")), TradeState.not_paid)
    success_time = resource.get("success_time")
    return ProviderResult(
        out_trade_no=str(resource.get("out_trade_no", "")),
        state=state,
        merchant_id=str(resource.get("mchid", "")),
        app_id=str(resource.get("appid", "")),
        amount=int(amount["total"]) if "total" in amount else None,
        trade_no=resource.get("transaction_id"),
        paid_at=datetime.fromisoformat(success_time) if success_time else None,
        payer=(resource.get("payer") or {}).get("openid"),
    )
