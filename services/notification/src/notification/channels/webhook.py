"""A signed HTTP webhook provider for notification's push, SMS and voice channels: the
protocol is :class:`sc_core.messaging.sms.SignedWebhook` (``POST <url>``, JSON ``{delivery_id,
channel, to, title, body, severity, template, attempt}`` with ``to`` the phone number or
the list of push tokens, signed ``X-Signature``, ``Idempotency-Key`` = the delivery id).
"""

from __future__ import annotations

from typing import Any

import httpx

from notification.channels.base import Outgoing
from sc_core.db.uow import UnitOfWork
from sc_core.messaging.sms import WEBHOOK_RETRIABLE as RETRIABLE
from sc_core.messaging.sms import SignedWebhook, sms_payload
from sc_core.messaging.sms import verify_webhook as verify
from sc_core.messaging.sms import webhook_signature as sign

__all__ = ["RETRIABLE", "WebhookAdapter", "sign", "verify"]


class WebhookAdapter:
    def __init__(self, channel: str, url: str, secret: str, client: httpx.AsyncClient) -> None:
        self.channel = channel
        self.hook = SignedWebhook(url, secret, client)

    def payload(self, message: Outgoing) -> dict[str, Any]:
        return sms_payload(
            reference=str(message.delivery_id),
            to=message.address,
            to_list=list(message.push_tokens) if self.channel == "push" else None,
            title=message.title,
            body=message.body,
            severity=message.severity,
            template=message.template,
            attempt=message.attempt,
            channel=self.channel,
        )

    async def send(self, message: Outgoing, uow: UnitOfWork) -> str | None:
        return await self.hook.post(self.payload(message), str(message.delivery_id))
