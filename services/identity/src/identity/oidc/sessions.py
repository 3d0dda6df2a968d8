"""The browser's single sign-on session at identity (the ``sc_sso`` cookie)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from identity.auth.passwords import new_secret, token_digest
from identity.db.auth import RefreshToken
from identity.db.oidc import SsoSession
from sc_core.db.uow import UnitOfWork


async def start(
    uow: UnitOfWork, account_id: uuid.UUID, amr: list[str], ttl: int
) -> tuple[SsoSession, str]:
    now = datetime.now(UTC)
    secret = new_secret()
    row = SsoSession(
        id=uuid.uuid4(),
        secret_hash=token_digest(secret),
        account_id=account_id,
        auth_time=now,
        amr=amr,
        expires_at=now + timedelta(seconds=ttl),
    )
    uow.session.add(row)
    return row, secret


async def from_cookie(uow: UnitOfWork, secret: str | None) -> SsoSession | None:
    if not secret:
        return None
    row = await uow.session.scalar(
        select(SsoSession).where(SsoSession.secret_hash == token_digest(secret))
    )
    if row is None or row.ended_at is not None or row.expires_at <= datetime.now(UTC):
        return None
    return row


async def end(uow: UnitOfWork, session_ids: list[uuid.UUID]) -> int:
    """End browser sessions and revoke every refresh chain they issued."""
    if not session_ids:
        return 0
    now = datetime.now(UTC)
    await uow.session.execute(
        update(SsoSession)
        .where(SsoSession.id.in_(session_ids), SsoSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    result = await uow.session.execute(
        update(RefreshToken)
        .where(RefreshToken.sso_session_id.in_(session_ids), RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason="logout")
    )
    return int(getattr(result, "rowcount", 0) or 0)
