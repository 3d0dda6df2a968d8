"""Taking a live SMS code out of the store: one mechanism for every use of a code (sign-in,
sign-up, a first WeChat login, and the second step after a password)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db.sms import SmsCode
from identity.sms import codes


class Taken(Enum):
    ok = "ok"  # the right code: used up with the caller's unit of work
    wrong = "wrong"  # a live code, not this one: its attempts count
    no_code = "no_code"  # none live for this number and purpose


async def take(
    session: AsyncSession,
    phone_idx: str,
    purpose: str,
    code: str,
    *,
    max_attempts: int,
    now: datetime,
) -> Taken:
    """Whether ``code`` is the newest live code of the number (by its blind index) for
    ``purpose``. A wrong try counts, and the code dies at the last one; the caller commits
    (a failure must be committed even when the caller then refuses)."""
    row = await session.scalar(
        select(SmsCode)
        .where(SmsCode.phone_idx == phone_idx, SmsCode.purpose == purpose)
        .where(SmsCode.used_at.is_(None), SmsCode.expires_at > now)
        .where(SmsCode.attempts < max_attempts)
        .order_by(SmsCode.created_at.desc())
        .limit(1)
        .with_for_update()
    )
    if row is None:
        return Taken.no_code
    if not codes.matches(str(row.id), row.code_digest, code):
        row.attempts += 1
        return Taken.wrong
    row.used_at = now
    return Taken.ok
