"""WeChat mini-program login (微信小程序登录, ADR 0034).

The mini-program calls ``wx.login()`` and sends its code; identity exchanges it at WeChat
(``jscode2session``) for the user's openid. An openid bound to an account signs in at
once. A first login binds it once the mobile number is proven, either by WeChat (the
``getPhoneNumber`` button's code, exchanged at ``getuserphonenumber``) or by an SMS code
(purpose ``wechat``): the account with that mobile, or a new one (no password; the number
is its login name). The tokens are the password grant's; the session key is never kept.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from identity.auth.accounts import set_mobile
from identity.auth.keystore import KeyStore
from identity.auth.login import Authenticator, Issued
from identity.auth.passwords import hash_password_async
from identity.db.auth import Account
from identity.db.sms import WeChatIdentity
from identity.sms.codes import Purpose
from identity.usecases.sms import SmsCodes, invalid_code, phone_index
from identity.wechat import client as wx
from identity.wechat.provider import Outbound
from sc_core.auth import Anonymous, Principal
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.validators import parse_mobile


@dataclass(frozen=True)
class WeChatLoginCommand:
    code: str
    phone_code: str | None = None
    phone: str | None = None
    sms_code: str | None = None
    otp: str | None = None


def wechat_problem(error: wx.WeChatError) -> Problem:
    """WeChat's errcode in words (the app shows the sentence; the code stays stable)."""
    if error.errcode in wx.INVALID_CODE:
        return Problem(
            401,
            "wechat.invalid_code",
            "WeChat did not accept the login code (invalid, expired or used); call "
            "wx.login() again",
            zh="微信登录凭证无效、已过期或已使用，请重新登录",
            errcode=error.errcode,
        )
    if error.errcode == wx.RATE_LIMITED:
        return Problem(
            429,
            "wechat.rate_limited",
            "WeChat is limiting logins just now; try again in a minute",
            zh="微信登录过于频繁，请一分钟后再试",
            headers={"Retry-After": "60"},
            errcode=error.errcode,
        )
    if error.errcode == wx.HIGH_RISK:
        return Problem(
            403,
            "wechat.high_risk_user",
            "WeChat marked this user as high-risk; sign in with the mobile number instead",
            zh="该微信用户被微信判定为高风险，请改用手机号登录",
            errcode=error.errcode,
        )
    return Problem(
        503,
        "wechat.unavailable",
        "WeChat is busy or unreachable; try again in a moment",
        zh="微信服务繁忙或暂时无法访问，请稍后再试",
        headers={"Retry-After": "10"},
        errcode=error.errcode,
    )


def phone_required() -> Problem:
    return Problem(
        401,
        "wechat.phone_required",
        "This WeChat user is not linked to an account yet: call wx.login() again and send "
        "its code with phone_code (the getPhoneNumber button), or with phone and sms_code",
        zh="该微信尚未绑定账号：请授权手机号，或填写手机号和短信验证码后再登录",
        error="invalid_grant",
    )


class WeChatLogin:
    def __init__(self, db: Database, keystore: KeyStore, sms: SmsCodes, outbound: Outbound) -> None:
        self.db = db
        self.keystore = keystore
        self.sms = sms
        self.outbound = outbound

    def _client(self) -> wx.WeChatClient:
        if self.outbound.wechat is None:
            raise Problem(
                404,
                "wechat.login_off",
                "WeChat mini-program login is not enabled here",
                zh="此处未开启微信小程序登录",
            )
        return self.outbound.wechat

    async def login(self, who: Anonymous, command: WeChatLoginCommand, address: str) -> Issued:
        client = self._client()
        try:
            session = await client.code2session(command.code)
        except wx.WeChatError as error:
            await self._audit_refused(who, error)
            raise wechat_problem(error) from error
        auth = Authenticator(self.keystore)
        async with self.db.uow() as uow:
            bound = await uow.session.scalar(
                select(WeChatIdentity).where(WeChatIdentity.openid == session.openid)
            )
            if bound is not None:
                account = await uow.session.get(Account, bound.account_id, with_for_update=True)
            else:
                phone = await self._proven_phone(uow, who, client, command)
                account = await self._account_for(uow, who, phone)
                bound = WeChatIdentity(
                    appid=client.appid,
                    openid=session.openid,
                    unionid=session.unionid,
                    account_id=account.id,
                )
                uow.session.add(bound)
                await uow.session.flush()
                await uow.audit(
                    who.signed_in(Principal(subject=str(account.id))),
                    "wechat.bind",
                    "account",
                    str(account.id),
                    detail={"proof": "wechat_phone" if command.phone_code else "sms_code"},
                )
            if account is None or account.status != "active":
                raise Problem(
                    403, "auth.account_disabled", "The account is disabled", zh="该账号已停用"
                )
            now = datetime.now(UTC)
            bound.last_login_at = now
            account.last_login_at = now
            await auth.second_factor(uow, account, command.otp, address, who)
            return await auth.issue(uow, account, who, grant="wechat")

    async def _proven_phone(
        self, uow: UnitOfWork, who: Anonymous, client: wx.WeChatClient, command: WeChatLoginCommand
    ) -> str:
        if command.phone_code:
            try:
                info = await client.phone_number(command.phone_code)
            except wx.WeChatError as error:
                await self._audit_refused(who, error)
                raise wechat_problem(error) from error
            if info.country_code not in ("", "86"):
                raise Problem(
                    422,
                    "wechat.phone_not_mainland",
                    "Only mainland China mobile numbers can sign in",
                    zh="仅支持中国大陆手机号登录",
                )
            try:
                return parse_mobile(info.pure_phone_number)
            except ValueError as exc:
                raise Problem(
                    422,
                    "wechat.phone_not_mainland",
                    "Only mainland China mobile numbers can sign in",
                    zh="仅支持中国大陆手机号登录",
                ) from exc
        if command.phone and command.sms_code:
            if not await self.sms.redeem(uow, who, command.phone, command.sms_code, Purpose.wechat):
                raise invalid_code()
            return command.phone
        raise phone_required()

    async def _account_for(self, uow: UnitOfWork, who: Anonymous, phone: str) -> Account:
        """The account with this mobile, or a new one (its login name is the number; no
        password until its owner sets one)."""
        account = await uow.session.scalar(
            select(Account)
            .where(Account.mobile_idx == phone_index(phone), Account.kind == "user")
            .with_for_update()
        )
        if account is not None:
            return account
        account = Account(
            id=uuid.uuid4(),
            username=f"m{uuid.uuid4().hex[:15]}",
            kind="user",
            display_name=f"微信用户{phone[-4:]}",
            password_hash=await hash_password_async(secrets.token_urlsafe(32)),
            created_by="wechat",
        )
        set_mobile(account, phone)
        uow.session.add(account)
        await uow.session.flush()
        await uow.audit(
            who.signed_in(Principal(subject=str(account.id))),
            "account.signup",
            "account",
            str(account.id),
            detail={"via": "wechat"},
        )
        return account

    async def _audit_refused(self, who: Anonymous, error: wx.WeChatError) -> None:
        async with self.db.uow() as uow:
            await uow.audit(
                who,
                "auth.login",
                "account",
                None,
                outcome="failure",
                detail={"grant": "wechat", "errcode": str(error.errcode)},
            )
            await uow.commit()
