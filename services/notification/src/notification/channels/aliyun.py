"""Aliyun (Alibaba Cloud) SMS for notification's SMS channel: ``SendSms`` of ``dysmsapi``
with the RPC signature (V2), as :class:`sc_core.messaging.sms.AliyunSms` speaks it.

Aliyun sends only pre-approved templates: ``ALIYUN_SMS_TEMPLATE_CODE`` names one with the
variables ``${title}`` and ``${content}``, which get the rendered title and body.
"""

from __future__ import annotations

from datetime import datetime

import httpx

from notification.channels.base import Outgoing
from sc_core.db.uow import UnitOfWork
from sc_core.messaging.sms import (
    ALIYUN_RETRIABLE_CODES as RETRIABLE_CODES,
)
from sc_core.messaging.sms import (
    AliyunSms,
    mainland_number,
    percent,
    rpc_signature,
)

__all__ = ["RETRIABLE_CODES", "AliyunSmsAdapter", "mainland_number", "percent", "rpc_signature"]


def template_param(message: Outgoing) -> dict[str, str]:
    return {"title": message.title[:35], "content": message.body[:300]}


class AliyunSmsAdapter:
    channel = "sms"

    def __init__(
        self,
        *,
        endpoint: str,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        template_code: str,
        region: str,
        client: httpx.AsyncClient,
    ) -> None:
        self.aliyun = AliyunSms(
            endpoint=endpoint,
            access_key_id=access_key_id,
            access_key_secret=access_key_secret,
            sign_name=sign_name,
            template_code=template_code,
            region=region,
            client=client,
        )

    def params(self, message: Outgoing, *, now: datetime | None = None) -> dict[str, str]:
        return self.aliyun.params(
            message.address or "", template_param(message), str(message.delivery_id), now=now
        )

    async def send(self, message: Outgoing, uow: UnitOfWork) -> str | None:
        return await self.aliyun.send(
            message.address or "", template_param(message), str(message.delivery_id)
        )
