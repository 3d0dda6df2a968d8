"""The providers that send identity's one-time codes, chosen by ``SMS_PROVIDER``: the
protocols are :mod:`sc_core.messaging.sms` (the ones notification's SMS channel uses); the
code travels straight from identity to the provider, never over a Kafka topic."""

from __future__ import annotations

import logging
from typing import Protocol

import httpx

from identity.config import Settings
from identity.db.sms import SmsSinkRow
from sc_core.db.uow import UnitOfWork
from sc_core.messaging.sms import AliyunSms, SignedWebhook, sms_payload
from sc_core.privacy import get_cipher

log = logging.getLogger(__name__)


class CodeSender(Protocol):
    """Sends one code's text to one number; the provider's reference, or
    :class:`sc_core.messaging.sms.ProviderError`. ``uow`` is the transaction that keeps
    the code: a local sink writes in it, so the text and its code commit together."""

    async def send(
        self, uow: UnitOfWork, *, phone: str, code: str, text: str, reference: str
    ) -> str | None: ...


class SinkSender:
    """Development: the text is kept in ``sms_sink`` (platform admins read it outside
    production; the tests read the code there)."""

    async def send(
        self, uow: UnitOfWork, *, phone: str, code: str, text: str, reference: str
    ) -> str | None:
        row = SmsSinkRow(
            phone=phone,
            phone_idx=get_cipher().blind_index(phone, "mobile"),
            body=text,
            reference=reference,
        )
        uow.session.add(row)
        await uow.session.flush()
        log.info("sms sink: a code for %s**** (GET /api/v1/dev/sms-sink)", phone[:3])
        return f"sink:{row.id}"


class WebhookSender:
    def __init__(self, hook: SignedWebhook) -> None:
        self.hook = hook

    async def send(
        self, uow: UnitOfWork, *, phone: str, code: str, text: str, reference: str
    ) -> str | None:
        payload = sms_payload(
            reference=reference,
            to=phone,
            title="验证码",
            body=text,
            template="identity.sms_code",
        )
        return await self.hook.post(payload, reference)


class AliyunSender:
    """Aliyun sends only approved templates: the verification-code one, ``${code}``."""

    def __init__(self, aliyun: AliyunSms) -> None:
        self.aliyun = aliyun

    async def send(
        self, uow: UnitOfWork, *, phone: str, code: str, text: str, reference: str
    ) -> str | None:
        return await self.aliyun.send(phone, {"code": code}, reference)


def build_sender(settings: Settings, client: httpx.AsyncClient) -> CodeSender:
    if settings.sms_provider == "webhook":
        assert settings.sms_webhook_url is not None  # Settings refuse it otherwise
        return WebhookSender(
            SignedWebhook(settings.sms_webhook_url, settings.sms_webhook_secret, client)
        )
    if settings.sms_provider == "aliyun":
        return AliyunSender(
            AliyunSms(
                endpoint=settings.aliyun_sms_endpoint,
                access_key_id=settings.aliyun_access_key_id,
                access_key_secret=settings.aliyun_access_key_secret,
                sign_name=settings.aliyun_sms_sign_name,
                template_code=settings.aliyun_sms_code_template,
                region=settings.aliyun_region,
                client=client,
            )
        )
    return SinkSender()
