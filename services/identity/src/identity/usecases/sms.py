"""One-time SMS codes (短信验证码, ADR 0034): asking for one, signing in with one, and
redeeming one inside another use case (sign-up, a first WeChat login).

A code is sent by identity itself through its SMS provider (``identity.sms.senders``), so
it never travels over Kafka; only its keyed digest is stored. Every send and every check
is audited. Unknown numbers get the same answers as known ones, in the same steps: at
sign-in a code is recorded (and counted against the caps) but not sent to a number
without an account, and no code can then open anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

from sqlalchemy import delete, func, select, update

from identity.auth.keystore import KeyStore
from identity.auth.login import Authenticator, Issued
from identity.auth.sms_schemas import SmsSinkRecord
from identity.auth.throttling import too_many
from identity.config import Settings
from identity.db.auth import Account
from identity.db.sms import SmsCode, SmsSinkRow
from identity.sms import codes, store
from identity.sms.codes import Purpose
from identity.sms.senders import CodeSender
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.audit import Outcome
from sc_core.auth import Anonymous, Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.messaging.sms import ProviderError
from sc_core.privacy import get_cipher, mask_model

Who: TypeAlias = Anonymous | Caller


@dataclass(frozen=True)
class CodeSent:
    expires_in: int
    resend_in: int


def invalid_code(status: int = 401) -> Problem:
    """The one answer for a wrong, used, expired or dead code (or no code at all)."""
    return Problem(
        status,
        "sms.invalid_code",
        "The SMS code is wrong or no longer valid; ask for a new one",
        zh="短信验证码不正确或已失效，请重新获取",
        error="invalid_grant",
    )


def phone_index(phone: str) -> str:
    return get_cipher().blind_index(phone, "mobile")


def policy_of(settings: Settings) -> codes.Policy:
    return codes.Policy(
        ttl=timedelta(seconds=settings.sms_code_ttl_seconds),
        max_attempts=settings.sms_code_max_attempts,
        resend=timedelta(seconds=settings.sms_resend_seconds),
        per_number_daily=settings.sms_daily_per_number,
        per_address_daily=settings.sms_daily_per_address,
    )


class SmsCodes:
    def __init__(
        self,
        db: Database,
        keystore: KeyStore,
        sender: CodeSender,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db = db
        self.keystore = keystore
        self.settings: Settings = keystore.settings
        self.policy = policy_of(self.settings)
        self.sender = sender
        self.clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))

    # asking for a code -----------------------------------------------------------------
    async def request(self, who: Anonymous, phone: str, purpose: Purpose, lang: str) -> CodeSent:
        """Send a code to ``phone`` for ``purpose`` (or, at sign-in, record one for a
        number without an account): the same answer either way."""
        now = self.clock()
        idx = phone_index(phone)
        address = (who.address or "unknown")[:64]
        async with self.db.uow() as uow:
            # one request per number at a time: the resend wait and the caps hold
            await uow.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(idx))))
            refused = await self._refusal(uow, idx, address, now)
            if refused is not None:
                await self._audit_send(uow, who, purpose, "denied", refused.code)
                await uow.commit()
                raise refused
            # sign-in and the second step go only to numbers of accounts (the answer is the
            # same for every number)
            deliver = purpose not in (Purpose.login, Purpose.mfa) or await self._has_account(
                uow, idx
            )
            await uow.session.execute(
                update(SmsCode)
                .where(SmsCode.phone_idx == idx, SmsCode.purpose == purpose.value)
                .where(SmsCode.used_at.is_(None), SmsCode.expires_at > now)
                .values(expires_at=now)  # a new code replaces the one before
            )
            code = codes.new_code()
            row = SmsCode(
                id=uuid.uuid4(),
                created_at=now,
                phone=phone,
                phone_idx=idx,
                purpose=purpose.value,
                expires_at=now + self.policy.ttl,
                sent=deliver,
                address=address,
            )
            row.code_digest = codes.digest(str(row.id), code)
            uow.session.add(row)
            await uow.session.flush()
            if deliver:
                minutes = int(self.policy.ttl.total_seconds() // 60)
                try:
                    await self.sender.send(
                        uow,
                        phone=phone,
                        code=code,
                        text=codes.text(code, minutes, lang),
                        reference=str(row.id),
                    )
                except ProviderError as error:
                    await uow.rollback()
                    await self._send_failed(who, purpose, error)
            await self._audit_send(
                uow, who, purpose, "success", "sent" if deliver else "no_account"
            )
            await uow.commit()
        return CodeSent(
            int(self.policy.ttl.total_seconds()), int(self.policy.resend.total_seconds())
        )

    async def _refusal(
        self, uow: UnitOfWork, idx: str, address: str, now: datetime
    ) -> Problem | None:
        last = await uow.session.scalar(
            select(func.max(SmsCode.created_at)).where(SmsCode.phone_idx == idx)
        )
        if wait := codes.resend_wait(last, now, self.policy):
            return Problem(
                429,
                "sms.too_soon",
                f"A code was sent to this number just now; ask again in {wait} s",
                zh=f"验证码已发送，请 {wait} 秒后再重新获取",
                headers={"Retry-After": str(wait)},
                retry_after=wait,
            )
        day = now - timedelta(days=1)
        per_number = await uow.session.scalar(
            select(func.count()).where(SmsCode.phone_idx == idx, SmsCode.created_at > day)
        )
        per_address = await uow.session.scalar(
            select(func.count()).where(SmsCode.address == address, SmsCode.created_at > day)
        )
        if (per_number or 0) >= self.policy.per_number_daily or (
            per_address or 0
        ) >= self.policy.per_address_daily:
            return Problem(
                429,
                "sms.daily_limit",
                "Too many codes were asked for today; try again tomorrow or sign in "
                "with your password",
                zh="今日获取验证码次数已达上限，请明天再试或使用密码登录",
                headers={"Retry-After": "3600"},
                retry_after=3600,
            )
        return None

    async def _has_account(self, uow: UnitOfWork, idx: str) -> bool:
        found = await uow.session.scalar(
            select(Account.id).where(Account.mobile_idx == idx, Account.kind == "user")
        )
        return found is not None

    async def _send_failed(self, who: Anonymous, purpose: Purpose, error: ProviderError) -> None:
        async with self.db.uow() as uow:
            await self._audit_send(uow, who, purpose, "failure", error.code)
            await uow.commit()
        raise Problem(
            503,
            "sms.unavailable",
            "The SMS could not be sent just now; try again in a minute",
            zh="短信暂时无法发送，请稍后再试",
            headers={"Retry-After": "60"},
        )

    async def _audit_send(
        self, uow: UnitOfWork, who: Who, purpose: Purpose, outcome: Outcome, result: str
    ) -> None:
        await uow.audit(
            who,
            "sms_code.send",
            "sms_code",
            None,
            outcome=outcome,
            detail={"purpose": purpose.value, "result": result},
        )

    # checking a code ---------------------------------------------------------------------
    async def redeem(
        self, uow: UnitOfWork, who: Who, phone: str, code: str, purpose: Purpose
    ) -> bool:
        """Whether ``code`` is the live code of ``phone`` for ``purpose``; a right one is
        used up with the caller's unit of work, a wrong one counts (committed here: the
        count must hold even when the caller fails), and the code dies at the last try."""
        taken = await store.take(
            uow.session,
            phone_index(phone),
            purpose.value,
            code,
            max_attempts=self.policy.max_attempts,
            now=self.clock(),
        )
        if taken is not store.Taken.ok:
            await self._audit_check(uow, who, purpose, "failure", taken.value)
            await uow.commit()
            return False
        await self._audit_check(uow, who, purpose, "success", "ok")
        return True

    async def _audit_check(
        self, uow: UnitOfWork, who: Who, purpose: Purpose, outcome: Outcome, result: str
    ) -> None:
        await uow.audit(
            who,
            "sms_code.verify",
            "sms_code",
            None,
            outcome=outcome,
            detail={"purpose": purpose.value, "result": result},
        )

    # signing in ------------------------------------------------------------------------
    async def check_login(
        self,
        uow: UnitOfWork,
        auth: Authenticator,
        who: Anonymous,
        phone: str,
        code: str,
        address: str,
    ) -> Account:
        """The account whose mobile this is, if ``code`` is its live sign-in code; behind
        the login throttle (the number is the name, as at the password's check), with one
        answer for a wrong code and for a number without an account. The hosted login
        page's SMS tab and :meth:`login` share it."""
        now = datetime.now(UTC)
        account = await auth.find_user(uow, phone)
        if wait := await auth.throttle.wait(uow, phone, address, account, now):
            await uow.audit(
                who,
                "auth.login",
                "account",
                None,
                outcome="denied",
                detail={"reason": "throttled", "grant": "sms_code"},
            )
            await uow.commit()
            raise too_many(wait)
        redeemed = await self.redeem(uow, who, phone, code, Purpose.login)
        if not redeemed or account is None:
            await auth.throttle.failed(uow, phone, address, now)
            await uow.commit()
            raise invalid_code()
        if account.status != "active":
            raise Problem(
                403, "auth.account_disabled", "The account is disabled", zh="该账号已停用"
            )
        await auth.throttle.succeeded(uow, phone, account, address, now)
        account.last_login_at = now
        return account

    async def login(
        self, who: Anonymous, phone: str, code: str, otp: str | None, address: str
    ) -> Issued:
        """Sign in with the mobile number and its code: the same tokens as the password
        grant; the roles that need TOTP still need it (``otp``)."""
        auth = Authenticator(self.keystore)
        async with self.db.uow() as uow:
            account = await self.check_login(uow, auth, who, phone, code, address)
            await auth.second_factor(uow, account, otp, address, who)
            return await auth.issue(uow, account, who, grant="sms_code")

    # the development sink ------------------------------------------------------------
    async def sink_page(
        self, who: Caller, paging: PageParams, phone: str | None
    ) -> tuple[list[SmsSinkRecord], PageTotal]:
        """What SMS_PROVIDER=sink kept, newest first (phones masked by the reader's
        grade); not in production. The read is audited."""
        if self.settings.environment == "production":
            raise Problem(
                404, "dev.not_available", "Not available in production", zh="生产环境不提供"
            )
        query = select(SmsSinkRow)
        if phone:
            query = query.where(SmsSinkRow.phone_idx == phone_index(phone))
        async with self.db.uow(read_only=True) as uow:
            rows, total = await fetch_page(
                uow.session, query.order_by(SmsSinkRow.created_at.desc()), paging
            )
            items = [mask_model(SmsSinkRecord.model_validate(r), who.principal.grade) for r in rows]
            await uow.audit(
                who, "sms_sink.read", "sms_sink", None, detail={"rows": str(len(items))}
            )
            await uow.commit()
        return items, total

    # housekeeping ----------------------------------------------------------------------
    async def sweep(self) -> None:
        """Codes (and sink rows) older than two days go: the caps look back one day."""
        before = self.clock() - timedelta(days=2)
        async with self.db.uow() as uow:
            await uow.session.execute(delete(SmsCode).where(SmsCode.created_at < before))
            await uow.session.execute(delete(SmsSinkRow).where(SmsSinkRow.created_at < before))
            await uow.commit()
