"""Use cases of the token endpoint: password, refresh token and client credentials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select

from identity.auth import refresh
from identity.auth.keystore import KeyStore
from identity.auth.passwords import verify_password_async
from identity.auth.revoked import access_revoked
from identity.auth.throttling import Throttle, too_many
from identity.auth.tokens import access_claims, issue_access_token, sign
from identity.db.auth import Account, Grant
from sc_core.audit import Outcome
from sc_core.auth import Anonymous, Principal
from sc_core.auth import Grant as ClaimGrant
from sc_core.auth.jwks import unauthorized
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.privacy import get_cipher


@dataclass(frozen=True)
class Issued:
    access_token: str
    expires_in: int
    refresh_token: str | None = None
    scope: str | None = None


def invalid_credentials() -> Problem:
    return unauthorized(
        "auth.invalid_credentials",
        "The username or password is wrong",
        error="invalid_grant",
        zh="用户名或密码不正确",
    )


def as_principal(account: Account, grants: list[Grant]) -> Principal:
    return Principal(
        subject=str(account.id),
        kind="service" if account.kind == "service" else "user",
        name=account.display_name,
        grants=tuple(ClaimGrant(g.role, g.scope_type, g.scope_id) for g in grants),
    )


class Authenticator:
    """Signing in; ``who`` is the anonymous caller (the address and request id its audit
    records keep), named by the account once its password was right."""

    def __init__(self, keystore: KeyStore) -> None:
        self.keystore = keystore
        self.settings = keystore.settings
        self.throttle = Throttle(self.settings)

    # grants ------------------------------------------------------------------------
    async def password(
        self,
        uow: UnitOfWork,
        username: str,
        password: str,
        address: str,
        who: Anonymous,
        otp: str | None = None,
    ) -> Issued:
        if not self.settings.password_grant:
            raise Problem(
                400,
                "auth.unsupported_grant_type",
                "The password grant is off here; sign in through the hosted login page "
                "(authorization code flow)",
                zh="此处不支持密码直接登录，请通过统一登录页登录",
                error="unsupported_grant_type",
            )
        account = await self.check_login(uow, username, password, address, who)
        await self._second_factor(uow, account, otp, address, who, sms_allowed=True)
        return await self._issue(uow, account, who, with_refresh=True, grant="password")

    async def check_login(
        self, uow: UnitOfWork, username: str, password: str, address: str, who: Anonymous
    ) -> Account:
        """The account whose password this is, through the login throttle (the hosted
        login page and the password grant share it); a Problem otherwise."""
        account = await self._find(uow, username, kind="user")
        await self._check_password(uow, account, username, password, address, who)
        assert account is not None
        return account

    async def _second_factor(
        self,
        uow: UnitOfWork,
        account: Account,
        otp: str | None,
        address: str,
        who: Anonymous,
        *,
        sms_allowed: bool = False,
    ) -> None:
        """TOTP or a recovery code; after a password (``sms_allowed``) also an SMS code
        sent to the account's own mobile (purpose ``mfa``)."""
        from identity.mfa import factors

        state = await factors.status(uow, self.settings, account)
        if state.must_enrol:
            raise Problem(
                403,
                "auth.mfa_enrolment_required",
                "This account must set up two-step verification; sign in on the hosted "
                "login page once to do it",
                zh="该账号须开启两步验证，请先在统一登录页登录一次完成设置",
                error="invalid_grant",
            )
        if not state.needs_second_factor:
            return
        if not otp:
            raise unauthorized(
                "auth.mfa_required",
                "A second factor (otp) is needed: the authenticator app's code, a recovery "
                "code, or an SMS code sent to the account's mobile (purpose mfa)",
                error="invalid_grant",
                zh="请输入两步验证码",
            )
        if await factors.check(uow, account.id, otp) is None and not (
            sms_allowed and await factors.check_sms(uow, self.settings, account, otp)
        ):
            await self.second_factor_failed(uow, account, address, who)
            raise unauthorized(
                "mfa.invalid_code",
                "The code is wrong or was used",
                error="invalid_grant",
                zh="验证码不正确或已使用",
            )

    async def ensure_unlocked(
        self, uow: UnitOfWork, account: Account, address: str, who: Anonymous
    ) -> None:
        """A Problem while this account's attempts at this address must wait (second step)."""
        now = datetime.now(UTC)
        if wait := await self.throttle.wait(uow, account.username, address, account, now):
            raise too_many(wait)

    async def second_factor_failed(
        self, uow: UnitOfWork, account: Account, address: str, who: Anonymous
    ) -> None:
        """A wrong second factor counts like a wrong password (name, address, pair)."""
        await self._failed(
            uow, account, account.username, address, datetime.now(UTC), who, "bad_otp"
        )

    async def client_credentials(
        self, uow: UnitOfWork, client_id: str, secret: str, address: str, who: Anonymous
    ) -> Issued:
        account = await self._find(uow, client_id, kind="service")
        await self._check_password(uow, account, client_id, secret, address, who)
        assert account is not None
        return await self._issue(uow, account, who, with_refresh=False, grant="client_credentials")

    async def refresh(self, uow: UnitOfWork, token: str, who: Anonymous) -> Issued:
        now = datetime.now(UTC)
        ttl = self.settings.refresh_token_ttl_seconds
        rotation = await refresh.rotate(uow.session, token, now, ttl)
        if rotation.reused:
            await access_revoked(
                uow,
                self.settings,
                rotation.account_id,
                session_id=rotation.family_id,
                reason="refresh_reuse",
                now=now,
            )
            await uow.audit(
                who,
                "auth.refresh_reuse",
                "account",
                str(rotation.account_id),
                outcome="denied",
                detail={"family": str(rotation.family_id)},
            )
            await uow.commit()
            raise unauthorized(
                "auth.refresh_token_reused",
                "This refresh token was already used; every session it belongs to is closed",
                zh="登录凭证已被使用过，为安全起见相关登录已全部退出，请重新登录",
            )
        account = await uow.session.get(Account, rotation.account_id)
        if account is None or account.status != "active":
            raise unauthorized(
                "auth.invalid_refresh_token",
                "The refresh token is not valid",
                zh="登录已失效，请重新登录",
            )
        grants = await self._grants(uow, account)
        claims = access_claims(self.settings, account, grants, now, rotation.family_id)
        if rotation.client_id is not None:  # a chain of the authorization code flow
            claims.update({"client_id": rotation.client_id, "scope": rotation.scope or ""})
        access = await sign(self.keystore, claims)
        await uow.commit()
        return Issued(
            access, self.settings.access_token_ttl_seconds, rotation.token, rotation.scope
        )

    # the other ways in (SMS code, WeChat: identity.usecases.sms, .wechat) -------------
    async def find_user(self, uow: UnitOfWork, name: str) -> Account | None:
        """A person's account by username or mobile number (locked for this attempt)."""
        return await self._find(uow, name, kind="user")

    async def second_factor(
        self, uow: UnitOfWork, account: Account, otp: str | None, address: str, who: Anonymous
    ) -> None:
        """The second factor an account needs beside the first (TOTP for the roles that
        require it), as the password grant asks for it."""
        await self._second_factor(uow, account, otp, address, who)

    async def issue(self, uow: UnitOfWork, account: Account, who: Anonymous, grant: str) -> Issued:
        """Access and refresh tokens exactly as the password grant issues them; audited
        as ``auth.login`` with the ``grant``; commits."""
        return await self._issue(uow, account, who, with_refresh=True, grant=grant)

    # steps -------------------------------------------------------------------------
    async def _find(self, uow: UnitOfWork, name: str, *, kind: str) -> Account | None:
        name = name.strip()
        mobile_idx = get_cipher().blind_index(name, "mobile")
        return await uow.session.scalar(
            select(Account)
            .where(or_(Account.username == name, Account.mobile_idx == mobile_idx))
            .where(Account.kind == kind)
            .with_for_update()
        )

    async def _check_password(
        self,
        uow: UnitOfWork,
        account: Account | None,
        name: str,
        password: str,
        address: str,
        who: Anonymous,
    ) -> None:
        """The password's check behind the throttle (:mod:`identity.auth.throttle`): the
        same answers, in the same steps, for a known name and an unknown one."""
        now = datetime.now(UTC)
        if wait := await self.throttle.wait(uow, name, address, account, now):
            await self._audit_failure(uow, None, who, "throttled", address, "denied")
            await uow.commit()
            raise too_many(wait)
        if not await verify_password_async(password, account.password_hash if account else None):
            await self._failed(uow, account, name, address, now, who, "bad_password")
            raise invalid_credentials()
        assert account is not None
        if account.status != "active":
            raise Problem(
                403, "auth.account_disabled", "The account is disabled", zh="该账号已停用"
            )
        await self.throttle.succeeded(uow, name, account, address, now)
        account.failed_logins, account.locked_until, account.last_login_at = 0, None, now

    async def _failed(
        self,
        uow: UnitOfWork,
        account: Account | None,
        name: str,
        address: str,
        now: datetime,
        who: Anonymous,
        reason: str,
    ) -> None:
        await self.throttle.failed(uow, name, address, now)
        await self._audit_failure(uow, account, who, reason, address, "failure")
        await uow.commit()

    async def _audit_failure(
        self,
        uow: UnitOfWork,
        account: Account | None,
        who: Anonymous,
        reason: str,
        address: str,
        outcome: Outcome,
    ) -> None:
        await uow.audit(
            who,
            "auth.login",
            "account",
            str(account.id) if account else None,
            outcome=outcome,
            detail={"reason": reason, "address": address},
        )

    async def _grants(self, uow: UnitOfWork, account: Account) -> list[Grant]:
        rows = await uow.session.scalars(select(Grant).where(Grant.account_id == account.id))
        return list(rows)

    async def audit_login(
        self, uow: UnitOfWork, account: Account, who: Anonymous, **detail: str
    ) -> None:
        grants = await self._grants(uow, account)
        await uow.audit(
            who.signed_in(as_principal(account, grants)),
            "auth.login",
            "account",
            str(account.id),
            detail=detail,
        )

    async def _issue(
        self, uow: UnitOfWork, account: Account, who: Anonymous, *, with_refresh: bool, grant: str
    ) -> Issued:
        now = datetime.now(UTC)
        grants = await self._grants(uow, account)
        token, family = None, None
        if with_refresh:
            ttl = self.settings.refresh_token_ttl_seconds
            token, family = await refresh.issue(uow.session, account.id, now, ttl)
        access = await issue_access_token(
            self.keystore, account, grants, session_id=family, now=now
        )
        await uow.audit(
            who.signed_in(as_principal(account, grants)),
            "auth.login",
            "account",
            str(account.id),
            detail={"grant": grant},
        )
        await uow.commit()
        return Issued(access, self.settings.access_token_ttl_seconds, token)
