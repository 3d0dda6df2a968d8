"""A local WeChat for mini-program login, speaking WeChat's HTTP protocol (the endpoints
:mod:`identity.wechat.client` calls), for ``make run`` and the tests.

Protocol side (as api.weixin.qq.com answers, errors as ``{errcode, errmsg}`` with HTTP
200): ``GET /sns/jscode2session`` (40013 wrong appid, 40125 wrong secret, 40029 unknown
code, 40163 code used, or the errcode a code was minted with: 45011, 40226, -1),
``POST /cgi-bin/stable_token`` (7200 s; the same token until it expires or
``force_refresh``), ``POST /wxa/business/getuserphonenumber?access_token=`` (40001 bad
token, 40029 unknown or used code). Codes live 5 minutes and are good once.

The user's side, what the phone would do: ``POST /sim/login`` ``{"user": "alice",
"unionid": true, "errcode": 0}`` → ``{"code", "openid"}`` (``wx.login()``: the same user
always gets the same openid), ``POST /sim/phone-code`` ``{"phone": "13800001111"}`` →
``{"code"}`` (the getPhoneNumber button). Nothing here is a real secret.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

APPID = "wx5555555555555555"  # the simulated mini-program
SECRET = "simulated-mini-program-secret-0001"  # noqa: S105 (not a secret: the simulator's)
CODE_TTL = 300.0
TOKEN_TTL = 7200


def _error(errcode: int, errmsg: str) -> JSONResponse:
    return JSONResponse({"errcode": errcode, "errmsg": errmsg})


@dataclass
class WeChatSimulator:
    appid: str = APPID
    secret: str = SECRET
    js_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    phone_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token: tuple[str, float] | None = None
    calls: list[str] = field(default_factory=list)  # the paths called, for the tests

    def openid(self, user: str) -> str:
        digest = hashlib.sha256(f"{self.appid}:{user}".encode()).hexdigest()
        return "o" + digest[:27]

    def unionid(self, user: str) -> str:
        return "u" + hashlib.sha256(f"union:{user}".encode()).hexdigest()[:27]

    # the protocol --------------------------------------------------------------------
    def _credentials(self, appid: str | None, secret: str | None) -> JSONResponse | None:
        if appid != self.appid:
            return _error(40013, "invalid appid")
        if secret != self.secret:
            return _error(40125, "invalid appsecret")
        return None

    async def jscode2session(self, request: Request) -> JSONResponse:
        q = request.query_params
        self.calls.append("jscode2session")
        if refused := self._credentials(q.get("appid"), q.get("secret")):
            return refused
        if q.get("grant_type") != "authorization_code":
            return _error(40002, "invalid grant_type")
        found = self.js_codes.get(q.get("js_code") or "")
        if found is None or found["expires"] < time.time():
            return _error(40029, "invalid code")
        if found["used"]:
            return _error(40163, "code been used")
        found["used"] = True
        if found["errcode"]:
            return _error(found["errcode"], "simulated error")
        answer = {"openid": found["openid"], "session_key": secrets.token_urlsafe(16)}
        if found["unionid"]:
            answer["unionid"] = found["unionid"]
        return JSONResponse(answer)

    async def stable_token(self, request: Request) -> JSONResponse:
        self.calls.append("stable_token")
        try:
            body = await request.json()
        except ValueError:
            return _error(47001, "data format error")
        if refused := self._credentials(body.get("appid"), body.get("secret")):
            return refused
        if body.get("grant_type") != "client_credential":
            return _error(40002, "invalid grant_type")
        now = time.time()
        if self.token is None or self.token[1] <= now or body.get("force_refresh"):
            self.token = (secrets.token_urlsafe(48), now + TOKEN_TTL)
        return JSONResponse({"access_token": self.token[0], "expires_in": int(self.token[1] - now)})

    async def getuserphonenumber(self, request: Request) -> JSONResponse:
        self.calls.append("getuserphonenumber")
        token = request.query_params.get("access_token")
        if self.token is None or token != self.token[0] or self.token[1] <= time.time():
            return _error(40001, "invalid credential, access_token is invalid or not latest")
        try:
            body = await request.json()
        except ValueError:
            return _error(47001, "data format error")
        found = self.phone_codes.pop(str(body.get("code") or ""), None)
        if found is None or found["expires"] < time.time():
            return _error(40029, "invalid code")
        phone = found["phone"]
        return JSONResponse(
            {
                "errcode": 0,
                "errmsg": "ok",
                "phone_info": {
                    "phoneNumber": phone,
                    "purePhoneNumber": phone,
                    "countryCode": "86",
                    "watermark": {"timestamp": int(time.time()), "appid": self.appid},
                },
            }
        )

    # the phone's side ----------------------------------------------------------------
    async def sim_login(self, request: Request) -> JSONResponse:
        body = await request.json()
        user = str(body.get("user") or "user")
        code = secrets.token_hex(16)
        self.js_codes[code] = {
            "openid": self.openid(user),
            "unionid": self.unionid(user) if body.get("unionid") else None,
            "errcode": int(body.get("errcode") or 0),
            "expires": time.time() + CODE_TTL,
            "used": False,
        }
        return JSONResponse({"code": code, "openid": self.openid(user)})

    async def sim_phone_code(self, request: Request) -> JSONResponse:
        body = await request.json()
        code = secrets.token_hex(32)
        self.phone_codes[code] = {
            "phone": str(body.get("phone") or ""),
            "expires": time.time() + CODE_TTL,
        }
        return JSONResponse({"code": code})

    @property
    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/sns/jscode2session", self.jscode2session, methods=["GET"]),
                Route("/cgi-bin/stable_token", self.stable_token, methods=["POST"]),
                Route(
                    "/wxa/business/getuserphonenumber", self.getuserphonenumber, methods=["POST"]
                ),
                Route("/sim/login", self.sim_login, methods=["POST"]),
                Route("/sim/phone-code", self.sim_phone_code, methods=["POST"]),
            ]
        )
