"""Access tokens: EdDSA JWTs with the claims ``sc_core.auth.Principal.from_claims`` reads."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from identity.auth.keys import ALGORITHM
from identity.auth.keystore import KeyStore
from identity.config import Settings
from identity.db.auth import Account, Grant


def grant_claims(grants: Iterable[Grant]) -> list[dict[str, str]]:
    return [
        {"role": g.role, "scope_type": g.scope_type, "scope_id": g.scope_id}
        for g in sorted(grants, key=lambda g: (g.role, g.scope_type, g.scope_id))
    ]


def access_claims(
    settings: Settings,
    account: Account,
    grants: Iterable[Grant],
    now: datetime,
    session_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    granted = grant_claims(grants)
    claims: dict[str, Any] = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(account.id),
        "kind": account.kind,
        "name": account.display_name,
        "preferred_username": account.username,
        "roles": sorted({g["role"] for g in granted}),
        "grants": granted,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=settings.access_token_ttl_seconds)).timestamp()),
        "jti": str(uuid.uuid4()),
    }
    if session_id is not None:
        claims["sid"] = str(session_id)
    return claims


async def sign(keystore: KeyStore, claims: dict[str, Any], typ: str = "at+jwt") -> str:
    key = await keystore.signing_key()
    return jwt.encode(
        claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": typ}
    )


async def issue_access_token(
    keystore: KeyStore,
    account: Account,
    grants: Iterable[Grant],
    *,
    session_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> str:
    moment = now or datetime.now(UTC)
    return await sign(
        keystore, access_claims(keystore.settings, account, grants, moment, session_id)
    )
