"""The pieces of Alipay's protocol both sides need.

Signing (RSA2 = SHA256withRSA): every parameter but ``sign`` (and, for notifications,
``sign_type``) with a non-empty value, sorted by name, joined ``k=v`` with ``&``, values
not URL-encoded. An answer is ``{"<method>_response": {...}, "sign": "..."}`` whose sign
covers the exact text of the ``<method>_response`` value as sent: it is cut out of the
raw answer, never re-serialised.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from parking_payment.domain.payments import TradeState

CN = ZoneInfo("Asia/Shanghai")
SUCCESS = "10000"

TRADE_STATES = {
    "TRADE_SUCCESS": TradeState.paid,
    "TRADE_FINISHED": TradeState.paid,
    "WAIT_BUYER_PAY": TradeState.not_paid,
    "TRADE_CLOSED": TradeState.closed,
}


def content_to_sign(params: Mapping[str, str], *, exclude: tuple[str, ...] = ("sign",)) -> str:
    items = sorted((k, v) for k, v in params.items() if k not in exclude and v not in ("", None))
    return "&".join(f"{k}={v}" for k, v in items)


def timestamp(at: datetime | None = None) -> str:
    return (at or datetime.now(CN)).astimezone(CN).strftime("%Y-%m-%d %H:%M:%S")


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CN)


def response_key(method: str) -> str:
    return method.replace(".", "_") + "_response"


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def signed_member(raw: str, key: str) -> str | None:
    """The exact text of the JSON object value of ``key`` in ``raw`` (string-aware)."""
    marker = f'"{key}"'
    at = raw.find(marker)
    if at < 0:
        return None
    start = raw.find("{", at + len(marker))
    if start < 0 or raw[at + len(marker) : start].strip() != ":":
        return None
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(raw)):
        c = raw[i]
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return raw[start : i + 1]
    return None
