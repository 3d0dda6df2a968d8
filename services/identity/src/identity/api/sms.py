"""Sign-in by SMS code and by WeChat mini-program (ADR 0034), and the development SMS
sink. Routes only: the rules are :mod:`identity.usecases.sms` and ``.wechat``."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response

from identity.api.auth import NO_STORE
from identity.api.deps import PlatformAdmin, SmsCodesDep, WeChatLoginDep
from identity.auth.address import source_address
from identity.auth.login import Issued
from identity.auth.schemas import TokenResponse
from identity.auth.sms_schemas import (
    SmsCodeRequest,
    SmsCodeSent,
    SmsLogin,
    SmsSinkRecord,
    WeChatLoginRequest,
)
from identity.usecases.wechat import WeChatLoginCommand
from sc_core.api import Page, Paging
from sc_core.auth import AnonymousCaller
from sc_core.errors import reader_locale

router = APIRouter(tags=["auth"])


def _tokens(issued: Issued, response: Response) -> TokenResponse:
    response.headers.update(NO_STORE)
    return TokenResponse(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
    )


@router.post(
    "/api/v1/auth/sms-codes",
    status_code=202,
    summary="Send a one-time code by SMS (sign-in, sign-up, a first WeChat login)",
    responses={429: {"description": "sms.too_soon or sms.daily_limit (Retry-After)"}},
)
async def send_code(
    body: SmsCodeRequest, request: Request, who: AnonymousCaller, sms: SmsCodesDep
) -> SmsCodeSent:
    lang = reader_locale(request)
    sent = await sms.request(who, body.phone, body.purpose, lang)
    minutes = sent.expires_in // 60
    message = (
        f"If this number can use it, a code is on its way; it is good for {minutes} minutes."
        if lang == "en"
        else f"验证码已发送（如该号码可用），{minutes}分钟内有效。"
    )
    return SmsCodeSent(expires_in=sent.expires_in, resend_in=sent.resend_in, message=message)


@router.post(
    "/api/v1/auth/sms-login",
    response_model=TokenResponse,
    summary="Sign in with the mobile number and its SMS code: the password grant's tokens",
)
async def sms_login(
    body: SmsLogin, request: Request, response: Response, who: AnonymousCaller, sms: SmsCodesDep
) -> TokenResponse:
    issued = await sms.login(who, body.phone, body.code, body.otp, source_address(request))
    return _tokens(issued, response)


@router.post(
    "/api/v1/auth/wechat-login",
    response_model=TokenResponse,
    summary="Sign in from the WeChat mini-program (wx.login() code; a first login proves "
    "the mobile number)",
)
async def wechat_login(
    body: WeChatLoginRequest,
    request: Request,
    response: Response,
    who: AnonymousCaller,
    wechat: WeChatLoginDep,
) -> TokenResponse:
    command = WeChatLoginCommand(
        code=body.code,
        phone_code=body.phone_code,
        phone=body.phone,
        sms_code=body.sms_code,
        otp=body.otp,
    )
    issued = await wechat.login(who, command, source_address(request))
    return _tokens(issued, response)


@router.get(
    "/api/v1/dev/sms-sink",
    summary="What the development SMS provider would have sent (not in production)",
    tags=["development"],
)
async def sms_sink(
    who: PlatformAdmin,
    sms: SmsCodesDep,
    paging: Paging,
    phone: str | None = Query(None, max_length=32),
) -> Page[SmsSinkRecord]:
    items, total = await sms.sink_page(who, paging, phone)
    return Page[SmsSinkRecord].of(items, total, paging)
