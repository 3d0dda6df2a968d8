"""Aliyun (Alibaba Cloud) SMS: ``SendSms`` of ``dysmsapi`` with the RPC signature (V2).

Request: ``GET <endpoint>?<params>&Signature=<sig>`` where the params are the common ones
(``AccessKeyId``, ``Action=SendSms``, ``Format=JSON``, ``RegionId``, ``SignatureMethod=
HMAC-SHA1``, ``SignatureNonce``, ``SignatureVersion=1.0``, ``Timestamp``, ``Version=
2017-05-25``) and SendSms's (``PhoneNumbers``, ``SignName``, ``TemplateCode``,
``TemplateParam``, ``OutId``). ``StringToSign = "GET&%2F&" + percent(canonical query)``
with the parameters sorted by name and RFC 3986-encoded; ``Signature = base64(HMAC-SHA1(
AccessKeySecret + "&", StringToSign))``.

Aliyun sends only pre-approved templates: ``ALIYUN_SMS_TEMPLATE_CODE`` names one with the
variables ``${title}`` and ``${content}``, which get the rendered title and body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

import httpx

from notification.channels.base import Outgoing, ProviderError
from sc_core.db.uow import UnitOfWork

RETRIABLE_CODES = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "SignatureNonceUsed"})


def percent(value: str) -> str:
    """RFC 3986 encoding as Aliyun wants it (space %20, ``~`` kept, ``*`` %2A)."""
    return quote(value, safe="~")


def rpc_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    canonical = "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent('/')}&{percent(canonical)}"
    digest = hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def mainland_number(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


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
        self.endpoint = endpoint
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.sign_name = sign_name
        self.template_code = template_code
        self.region = region
        self.client = client

    def params(self, message: Outgoing, *, now: datetime | None = None) -> dict[str, str]:
        when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": str(message.delivery_id),
            "PhoneNumbers": mainland_number(message.address or ""),
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": str(uuid.uuid4()),
            "SignatureVersion": "1.0",
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps(
                {"title": message.title[:35], "content": message.body[:300]}, ensure_ascii=False
            ),
            "Timestamp": when,
            "Version": "2017-05-25",
        }
        params["Signature"] = rpc_signature("GET", params, self.access_key_secret)
        return params

    async def send(self, message: Outgoing, uow: UnitOfWork) -> str | None:
        try:
            response = await self.client.get(self.endpoint, params=self.params(message))
        except httpx.HTTPError as exc:
            raise ProviderError("provider.unreachable", type(exc).__name__) from exc
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        code = str(answer.get("Code", "")) if isinstance(answer, dict) else ""
        if response.is_success and code == "OK":
            return str(answer.get("BizId") or "") or None
        if response.status_code >= 500 or code in RETRIABLE_CODES:
            raise ProviderError(f"aliyun.{code or response.status_code}", str(answer)[:200])
        raise ProviderError(
            f"aliyun.{code or response.status_code}", str(answer)[:200], permanent=True
        )
