"""Use cases of the second factor: who needs one, enrolment, checking a code at login."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select

from identity.auth.passwords import token_digest
from identity.config import Settings
from identity.db.auth import Account, Grant
from identity.db.mfa import RecoveryCode, TotpFactor
from identity.mfa import totp
from identity.sms import store
from identity.sms.codes import Purpose
from sc_core.db.uow import UnitOfWork
from sc_core.privacy import get_cipher


@dataclass(frozen=True)
class Status:
    enrolled: bool  # a confirmed authenticator app
    required: bool  # the account holds a role that must have a second factor
    enforced: bool  # ... and it is enforced (always in production)
    recovery_codes_left: int

    @property
    def needs_second_factor(self) -> bool:
        """A login must present a second factor (it has one)."""
        return self.enrolled

    @property
    def must_enrol(self) -> bool:
        """The login cannot finish until the account enrols one."""
        return self.required and self.enforced and not self.enrolled


async def status(uow: UnitOfWork, settings: Settings, account: Account) -> Status:
    roles = set(await uow.session.scalars(select(Grant.role).where(Grant.account_id == account.id)))
    factor = await uow.session.get(TotpFactor, account.id)
    left = len(
        list(
            await uow.session.scalars(
                select(RecoveryCode.id).where(
                    RecoveryCode.account_id == account.id, RecoveryCode.used_at.is_(None)
                )
            )
        )
    )
    return Status(
        enrolled=factor is not None and factor.confirmed_at is not None,
        required=bool(roles & settings.mfa_roles),
        enforced=settings.mfa_enforce_required_roles,
        recovery_codes_left=left,
    )


async def start_totp(uow: UnitOfWork, account_id: uuid.UUID) -> str:
    """A new, unconfirmed secret (replacing an unconfirmed one); a confirmed factor stays
    until it is removed."""
    factor = await uow.session.get(TotpFactor, account_id, with_for_update=True)
    if factor is not None and factor.confirmed_at is not None:
        raise AlreadyEnrolled()
    secret = totp.new_secret()
    if factor is None:
        uow.session.add(
            TotpFactor(account_id=account_id, secret=secret, created_at=datetime.now(UTC))
        )
    else:
        factor.secret, factor.created_at, factor.last_step = secret, datetime.now(UTC), 0
    return secret


async def pending_secret(uow: UnitOfWork, account_id: uuid.UUID) -> str | None:
    factor = await uow.session.get(TotpFactor, account_id)
    return factor.secret if factor is not None and factor.confirmed_at is None else None


async def confirm_totp(uow: UnitOfWork, account_id: uuid.UUID, code: str) -> list[str] | None:
    """Confirm the pending secret with a first code; the recovery codes (shown once)."""
    factor = await uow.session.get(TotpFactor, account_id, with_for_update=True)
    if factor is None or factor.confirmed_at is not None:
        return None
    now = datetime.now(UTC)
    step = totp.accepted_step(factor.secret, code, now, factor.last_step)
    if step is None:
        return None
    factor.confirmed_at, factor.last_step = now, step
    return await new_recovery_codes(uow, account_id)


async def new_recovery_codes(uow: UnitOfWork, account_id: uuid.UUID) -> list[str]:
    await uow.session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account_id))
    codes = totp.new_recovery_codes()
    for code in codes:
        uow.session.add(RecoveryCode(account_id=account_id, code_hash=_digest(code)))
    return codes


async def remove_totp(uow: UnitOfWork, account_id: uuid.UUID) -> None:
    await uow.session.execute(delete(TotpFactor).where(TotpFactor.account_id == account_id))
    await uow.session.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account_id))


async def check(uow: UnitOfWork, account_id: uuid.UUID, code: str) -> str | None:
    """``"otp"`` for a right TOTP code, ``"recovery"`` for an unused recovery code (now
    used), None otherwise. A TOTP code is good once."""
    now = datetime.now(UTC)
    factor = await uow.session.get(TotpFactor, account_id, with_for_update=True)
    if factor is not None and factor.confirmed_at is not None:
        step = totp.accepted_step(factor.secret, code, now, factor.last_step)
        if step is not None:
            factor.last_step = step
            return "otp"
    row = await uow.session.scalar(
        select(RecoveryCode)
        .where(
            RecoveryCode.account_id == account_id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .with_for_update()
    )
    if row is not None:
        row.used_at = now
        return "recovery"
    return None


def _digest(code: str) -> str:
    return token_digest(totp.normalise_recovery(code))


class AlreadyEnrolled(Exception):
    """The account has a confirmed authenticator already."""


async def check_sms(uow: UnitOfWork, settings: Settings, account: Account, code: str) -> bool:
    """An SMS code sent to the account's own mobile for the second step (purpose ``mfa``):
    the second option beside TOTP, only after a password (never after an SMS or WeChat
    sign-in, which proved the same phone). A wrong try counts against the code."""
    if not account.mobile or not code.strip():
        return False
    taken = await store.take(
        uow.session,
        get_cipher().blind_index(account.mobile, "mobile"),
        Purpose.mfa.value,
        code.strip(),
        max_attempts=settings.sms_code_max_attempts,
        now=datetime.now(UTC),
    )
    return taken is store.Taken.ok
