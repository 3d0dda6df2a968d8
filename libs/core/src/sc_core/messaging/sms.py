"""SMS providers' protocols, shared by every service that sends a text.

- :class:`SignedWebhook`: any SMS, push or voice gateway that takes a JSON ``POST <url>``
  with headers ``X-Timestamp`` (Unix seconds), ``X-Signature: sha256=<hex HMAC-SHA256(
  secret, "<timestamp>.<body>")>`` and ``Idempotency-Key``. A 2xx answer is accepted (its
  JSON ``id`` or ``message_id`` becomes the provider's reference); 408, 425, 429 and 5xx
  are retriable; any other 4xx is a permanent failure.
- :class:`AliyunSms`: Aliyun (Alibaba Cloud) ``SendSms`` of ``dysmsapi`` with the RPC
  signature (V2): ``GET <endpoint>?<params>&Signature=<sig>`` where the params are the
  common ones (``AccessKeyId``, ``Action=SendSms``, ``Format=JSON``, ``RegionId``,
  ``SignatureMethod=HMAC-SHA1``, ``SignatureNonce``, ``SignatureVersion=1.0``,
  ``Timestamp``, ``Version=2017-05-25``) and SendSms's (``PhoneNumbers``, ``SignName``,
  ``TemplateCode``, ``TemplateParam``, ``OutId``). ``StringToSign = "GET&%2F&" +
  percent(canonical query)`` with the parameters sorted by name and RFC 3986-encoded;
  ``Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))``. Aliyun sends only
  pre-approved templates: the caller names the template and its variables.

Both raise :class:`ProviderError` when a message was not accepted; ``permanent`` ones are
not worth retrying. What a service keeps of a send (a delivery's attempts, a one-time
code) is the service's own; a development sink is a table of the service's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

WEBHOOK_RETRIABLE = frozenset({408, 425, 429})
ALIYUN_RETRIABLE_CODES = frozenset(
    {"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "SignatureNonceUsed"}
)


class ProviderError(Exception):
    """A send that did not work; ``permanent`` ones are not retried."""

    def __init__(self, code: str, message: str = "", *, permanent: bool = False) -> None:
        """``message`` is the provider's own words for a log; a person is told ``code``
        in words by the caller, never this."""
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.permanent = permanent


def mainland_number(phone: str) -> str:
    """A mainland mobile number as providers want it: 11 digits, no +86, no separators."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


# signed webhook ----------------------------------------------------------------------
def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_webhook(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiving gateway checks (used by the tests, documented for providers)."""
    return hmac.compare_digest(webhook_signature(secret, timestamp, body), signature)


class SignedWebhook:
    def __init__(self, url: str, secret: str, client: httpx.AsyncClient) -> None:
        self.url = url
        self.secret = secret
        self.client = client

    async def post(self, payload: Mapping[str, Any], idempotency_key: str) -> str | None:
        """POST ``payload`` signed; the provider's reference, or :class:`ProviderError`."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {
            "content-type": "application/json",
            "x-timestamp": timestamp,
            "x-signature": webhook_signature(self.secret, timestamp, body),
            "idempotency-key": idempotency_key,
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
        permanent = 400 <= status < 500 and status not in WEBHOOK_RETRIABLE
        raise ProviderError(f"provider.http_{status}", response.text[:200], permanent=permanent)


def sms_payload(
    *,
    reference: str,
    to: str | None,
    title: str,
    body: str,
    severity: str = "info",
    template: str = "",
    attempt: int = 1,
    channel: str = "sms",
    to_list: list[str] | None = None,
) -> dict[str, Any]:
    """The webhook's JSON body: ``{delivery_id, channel, to, title, body, severity,
    template, attempt}`` (``to`` the phone number, or the list of push tokens)."""
    return {
        "delivery_id": reference,
        "channel": channel,
        "to": to_list if to_list is not None else to,
        "title": title,
        "body": body,
        "severity": severity,
        "template": template,
        "attempt": attempt,
    }


# Aliyun dysmsapi ---------------------------------------------------------------------
def percent(value: str) -> str:
    """RFC 3986 encoding as Aliyun wants it (space %20, ``~`` kept, ``*`` %2A)."""
    return quote(value, safe="~")


def rpc_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    canonical = "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(params.items()))
    to_sign = f"{method}&{percent('/')}&{percent(canonical)}"
    digest = hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunSms:
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

    def params(
        self,
        phone: str,
        template_param: Mapping[str, str],
        out_id: str,
        *,
        now: datetime | None = None,
    ) -> dict[str, str]:
        when = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "OutId": out_id,
            "PhoneNumbers": mainland_number(phone),
            "RegionId": self.region,
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": str(uuid.uuid4()),
            "SignatureVersion": "1.0",
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps(dict(template_param), ensure_ascii=False),
            "Timestamp": when,
            "Version": "2017-05-25",
        }
        params["Signature"] = rpc_signature("GET", params, self.access_key_secret)
        return params

    async def send(self, phone: str, template_param: Mapping[str, str], out_id: str) -> str | None:
        """Send one templated text; Aliyun's ``BizId``, or :class:`ProviderError`."""
        try:
            response = await self.client.get(
                self.endpoint, params=self.params(phone, template_param, out_id)
            )
        except httpx.HTTPError as exc:
            raise ProviderError("provider.unreachable", type(exc).__name__) from exc
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        code = str(answer.get("Code", "")) if isinstance(answer, dict) else ""
        if response.is_success and code == "OK":
            return str(answer.get("BizId") or "") or None
        if response.status_code >= 500 or code in ALIYUN_RETRIABLE_CODES:
            raise ProviderError(f"aliyun.{code or response.status_code}", str(answer)[:200])
        raise ProviderError(
            f"aliyun.{code or response.status_code}", str(answer)[:200], permanent=True
        )
