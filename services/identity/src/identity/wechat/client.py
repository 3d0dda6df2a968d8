"""The server side of WeChat mini-program login, over HTTP (httpx):

- ``GET /sns/jscode2session?appid=&secret=&js_code=&grant_type=authorization_code`` →
  ``{openid, session_key, unionid?}`` or ``{errcode, errmsg}`` (40029 invalid code, 40163
  code used, 45011 rate limit, 40226 high-risk user, -1 busy);
- ``POST /cgi-bin/stable_token`` ``{grant_type: client_credential, appid, secret,
  force_refresh}`` → ``{access_token, expires_in}`` (kept until shortly before it expires);
- ``POST /wxa/business/getuserphonenumber?access_token=`` ``{code}`` → ``{errcode: 0,
  phone_info: {phoneNumber, purePhoneNumber, countryCode, watermark: {timestamp, appid}}}``.

The ``session_key`` WeChat returns is dropped here: identity neither stores it nor returns
it (it would let its holder decrypt the user's data and forge signatures).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx

# errcodes worth saying in words; anything else is "wechat.error"
INVALID_CODE = {40029, 40163}  # invalid code, code already used
RATE_LIMITED = 45011
HIGH_RISK = 40226
BUSY = -1
TOKEN_INVALID = {40001, 42001, 40014}  # the access_token is invalid or expired


class WeChatError(Exception):
    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"{errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


@dataclass(frozen=True)
class WeChatSession:
    openid: str
    unionid: str | None


@dataclass(frozen=True)
class PhoneInfo:
    pure_phone_number: str
    country_code: str


class WeChatClient:
    def __init__(self, base_url: str, appid: str, secret: str, client: httpx.AsyncClient) -> None:
        self.base = base_url.rstrip("/")
        self.appid = appid
        self.secret = secret
        self.client = client
        self._token: tuple[str, float] | None = None  # (access_token, monotonic expiry)
        self._token_lock = asyncio.Lock()

    def _json(self, response: httpx.Response) -> dict[str, Any]:
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise WeChatError(BUSY, f"HTTP {response.status_code}, not JSON")
        errcode = int(answer.get("errcode") or 0)
        if errcode != 0:
            raise WeChatError(errcode, str(answer.get("errmsg", ""))[:200])
        return answer

    async def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        try:
            response = await self.client.get(self.base + path, params=params)
        except httpx.HTTPError as exc:
            raise WeChatError(BUSY, type(exc).__name__) from exc
        return self._json(response)

    async def _post(
        self, path: str, body: dict[str, Any], params: dict[str, str] | None = None
    ) -> dict[str, Any]:
        try:
            response = await self.client.post(self.base + path, json=body, params=params)
        except httpx.HTTPError as exc:
            raise WeChatError(BUSY, type(exc).__name__) from exc
        return self._json(response)

    async def code2session(self, js_code: str) -> WeChatSession:
        answer = await self._get(
            "/sns/jscode2session",
            {
                "appid": self.appid,
                "secret": self.secret,
                "js_code": js_code,
                "grant_type": "authorization_code",
            },
        )
        openid = answer.get("openid")
        if not isinstance(openid, str) or not openid:
            raise WeChatError(BUSY, "no openid in the answer")
        unionid = answer.get("unionid")
        return WeChatSession(openid, unionid if isinstance(unionid, str) and unionid else None)

    async def access_token(self, *, force: bool = False) -> str:
        async with self._token_lock:
            if not force and self._token is not None and self._token[1] > time.monotonic():
                return self._token[0]
            answer = await self._post(
                "/cgi-bin/stable_token",
                {
                    "grant_type": "client_credential",
                    "appid": self.appid,
                    "secret": self.secret,
                    "force_refresh": force,
                },
            )
            token = str(answer.get("access_token") or "")
            if not token:
                raise WeChatError(BUSY, "no access_token in the answer")
            expires_in = int(answer.get("expires_in") or 7200)
            # renewed five minutes early (at least half its life), never used stale
            margin = min(300, expires_in // 2)
            self._token = (token, time.monotonic() + expires_in - margin)
            return token

    async def phone_number(self, phone_code: str) -> PhoneInfo:
        """The number the user agreed to share (the mini-program's getPhoneNumber)."""
        for attempt in (0, 1):
            token = await self.access_token(force=attempt == 1)
            try:
                answer = await self._post(
                    "/wxa/business/getuserphonenumber",
                    {"code": phone_code},
                    params={"access_token": token},
                )
            except WeChatError as error:
                if error.errcode in TOKEN_INVALID and attempt == 0:
                    continue  # revoked or rotated elsewhere: a fresh one, once
                raise
            info = answer.get("phone_info")
            if not isinstance(info, dict) or not info.get("purePhoneNumber"):
                raise WeChatError(BUSY, "no phone_info in the answer")
            watermark = info.get("watermark")
            if isinstance(watermark, dict) and watermark.get("appid") not in (None, self.appid):
                raise WeChatError(BUSY, "the phone number is for another appid")
            return PhoneInfo(str(info["purePhoneNumber"]), str(info.get("countryCode") or ""))
        raise WeChatError(BUSY, "no access token")  # not reached
