"""A signed HTTP webhook provider: any SMS, push or voice gateway that takes a JSON POST.

Request: ``POST <url>`` with JSON ``{delivery_id, channel, to, title, body, severity,
template, attempt}`` (``to`` is the phone number, or the list of push tokens) and headers

- ``X-Timestamp``: Unix seconds;
- ``X-Signature``: ``sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>``;
- ``Idempotency-Key``: the delivery id, so a provider can drop a retried duplicate.

A 2xx answer is accepted (its JSON ``id`` or ``message_id`` becomes the provider
reference); 408, 429 and 5xx are retried; any other 4xx is a permanent failure.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from notification.channels.base import Outgoing, ProviderError
from sc_core.db.uow import UnitOfWork

RETRIABLE = frozenset({408, 425, 429})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiving gateway checks (used by the tests, documented for providers)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class WebhookAdapter:
    def __init__(self, channel: str, url: str, secret: str, client: httpx.AsyncClient) -> None:
        self.channel = channel
        self.url = url
        self.secret = secret
        self.client = client

    def payload(self, message: Outgoing) -> dict[str, Any]:
        to: Any = list(message.push_tokens) if self.channel == "push" else message.address
        return {
            "delivery_id": str(message.delivery_id),
            "channel": self.channel,
            "to": to,
            "title": message.title,
            "body": message.body,
            "severity": message.severity,
            "template": message.template,
            "attempt": message.attempt,
        }

    async def send(self, message: Outgoing, uow: UnitOfWork) -> str | None:
        body = json.dumps(self.payload(message), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {
            "content-type": "application/json",
            "x-timestamp": timestamp,
            "x-signature": sign(self.secret, timestamp, body),
            "idempotency-key": str(message.delivery_id),
        }
        try:
            response = await self.client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ProviderError("provider.unreachable", type(exc).__name__) from exc
        if response.is_success:
            try:
                answer = response.json()
            except ValueError:
                answer = {}
            ref = answer.get("id") or answer.get("message_id") if isinstance(answer, dict) else None
            return str(ref)[:200] if ref else None
        status = response.status_code
        permanent = 400 <= status < 500 and status not in RETRIABLE
        raise ProviderError(f"provider.http_{status}", response.text[:200], permanent=permanent)
