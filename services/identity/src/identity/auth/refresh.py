"""Refresh tokens: opaque, stored as SHA-256, rotated on every use, chained in families.

Presenting a token that was already used means it was copied: the whole family (every
token descending from the same login) is revoked, and the holder must log in again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from identity.auth.passwords import new_secret, token_digest
from identity.db.auth import RefreshToken
from sc_core.auth.jwks import unauthorized


@dataclass(frozen=True)
class Rotation:
    """The outcome of presenting a refresh token."""

    account_id: uuid.UUID | None
    family_id: uuid.UUID | None
    token: str | None
    reused: bool = False
    client_id: str | None = None  # chains of the authorization code flow
    scope: str | None = None


async def issue(
    session: AsyncSession,
    account_id: uuid.UUID,
    now: datetime,
    ttl_seconds: int,
    family_id: uuid.UUID | None = None,
    *,
    client_id: str | None = None,
    scope: str | None = None,
    sso_session_id: uuid.UUID | None = None,
) -> tuple[str, uuid.UUID]:
    """A new refresh token (the secret, returned once) and its family id."""
    token = new_secret()
    family = family_id or uuid.uuid4()
    session.add(
        RefreshToken(
            account_id=account_id,
            family_id=family,
            token_hash=token_digest(token),
            issued_at=now,
            expires_at=now + timedelta(seconds=ttl_seconds),
            client_id=client_id,
            scope=scope,
            sso_session_id=sso_session_id,
        )
    )
    return token, family


async def rotate(session: AsyncSession, token: str, now: datetime, ttl_seconds: int) -> Rotation:
    """Use ``token``: mark it used and issue its successor, or detect a reuse."""
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(token)).with_for_update()
    )
    if row is None or row.revoked_at is not None:
        raise unauthorized(
            "auth.invalid_refresh_token",
            "The refresh token is not valid",
            zh="登录已失效，请重新登录",
        )
    if row.used_at is not None:
        await revoke_family(session, row.family_id, now, "reuse")
        return Rotation(row.account_id, row.family_id, None, reused=True)
    if row.expires_at <= now:
        raise unauthorized(
            "auth.refresh_token_expired",
            "The refresh token has expired",
            zh="登录已过期，请重新登录",
        )
    row.used_at = now
    new, _ = await issue(
        session,
        row.account_id,
        now,
        ttl_seconds,
        row.family_id,
        client_id=row.client_id,
        scope=row.scope,
        sso_session_id=row.sso_session_id,
    )
    return Rotation(row.account_id, row.family_id, new, client_id=row.client_id, scope=row.scope)


async def revoke_family(
    session: AsyncSession, family_id: uuid.UUID, now: datetime, reason: str
) -> int:
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def family_of(session: AsyncSession, token: str) -> RefreshToken | None:
    return await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(token))
    )
