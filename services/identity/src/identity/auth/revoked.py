"""Telling every verifier that access tokens are revoked (issue 30.7, ADR 0028).

Access tokens are verified without asking identity, so ending a sign-in (logout, a reused
refresh token, an OIDC authorization code presented twice) or disabling an account
publishes ``AccessRevokedV1`` on ``identity.events.v1`` in the same transaction; the
gateway and every service follow it (``sc_core.auth.revocation``) and refuse those tokens
within seconds. A revoked grant needs
nothing more: its ``GrantChangedV1`` is followed the same way.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from identity.config import Settings
from sc_contracts.events import AccessRevokedV1
from sc_core.db.uow import UnitOfWork

# the verifiers' clock leeway: a token lives this much past its exp
LEEWAY_SECONDS = 60


async def access_revoked(
    uow: UnitOfWork,
    settings: Settings,
    account_id: uuid.UUID | str,
    *,
    session_id: uuid.UUID | None,
    reason: str,
    now: datetime,
) -> None:
    """The tokens of sign-in ``session_id`` (or, without one, every token of the account
    issued up to ``now``) are revoked; published only if ``uow`` commits."""
    data = AccessRevokedV1(
        aggregate_id=str(account_id),
        account_id=str(account_id),
        session_id=str(session_id) if session_id is not None else None,
        reason=reason,
        revoked_at=now,
        until=now + timedelta(seconds=settings.access_token_ttl_seconds + LEEWAY_SECONDS),
    )
    await uow.publish(data, key=str(account_id))
