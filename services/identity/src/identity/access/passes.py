"""Visitor passes: a validity window, a use count, and a QR payload signed by identity.

The payload is a compact JWS (EdDSA, identity's signing key, ``typ`` visitor-pass+jwt,
audience ``<jwt_audience>:visitor-pass``), so a gate can check it against the JWKS
offline; identity checks it again against the pass record (revoked, used up).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
from sqlalchemy import or_, update
from sqlalchemy.ext.asyncio import AsyncSession

from identity.auth.keys import ALGORITHM
from identity.auth.keystore import KeyStore
from identity.auth.tokens import sign
from identity.db.access import Door, VisitorPass

PASS_TYP = "visitor-pass+jwt"  # noqa: S105 - a JWT type, not a secret


def audience(keystore: KeyStore) -> str:
    return f"{keystore.settings.jwt_audience}:visitor-pass"


def status(p: VisitorPass, now: datetime) -> str:
    if p.revoked_at is not None:
        return "revoked"
    if now < p.valid_from:
        return "not_yet_valid"
    if now >= p.valid_until:
        return "expired"
    if p.max_uses is not None and p.uses >= p.max_uses:
        return "used_up"
    return "active"


async def qr_payload(keystore: KeyStore, p: VisitorPass) -> str:
    claims: dict[str, Any] = {
        "iss": keystore.settings.jwt_issuer,
        "aud": audience(keystore),
        "sub": str(p.id),
        "jti": str(p.id),
        "cid": str(p.community_id),
        "bid": str(p.building_id),
        "nbf": int(p.valid_from.timestamp()),
        "exp": int(p.valid_until.timestamp()),
        "iat": int(datetime.now(UTC).timestamp()),
    }
    return await sign(keystore, claims, typ=PASS_TYP)


async def pass_id_of(keystore: KeyStore, payload: str) -> uuid.UUID | None:
    """The pass id a payload carries when its signature, issuer, audience and window
    check out (against every key of the ring, published or not); else None."""
    try:
        header = jwt.get_unverified_header(payload)
        key = next((k for k in await keystore.keys() if k.kid == header.get("kid")), None)
        if key is None or header.get("alg") != ALGORITHM:
            return None
        claims = jwt.decode(
            payload,
            key.private_key.public_key(),
            algorithms=[ALGORITHM],
            audience=audience(keystore),
            issuer=keystore.settings.jwt_issuer,
            options={"require": ["exp", "nbf", "sub"]},
        )
        return uuid.UUID(str(claims["sub"]))
    except (jwt.InvalidTokenError, ValueError):
        return None


def fits_door(p: VisitorPass, door: Door) -> bool:
    """A pass opens its community's gates and its host's building doors."""
    if door.community_id != p.community_id:
        return False
    return door.building_id is None or door.building_id == p.building_id


async def use_once(
    session: AsyncSession, pass_id: uuid.UUID | None, door: Door | None
) -> tuple[VisitorPass | None, str]:
    """Use one of a pass's uses at ``door``: ``(pass, "active")`` when it was used, else the
    pass (or None) and why not (``invalid_signature``, ``wrong_door``, ``revoked``,
    ``not_yet_valid``, ``expired``, ``used_up``).

    One conditional ``UPDATE``: PostgreSQL re-checks the condition on the locked row, so two
    gates scanning a single-use pass at the same moment open once between them.
    """
    row = await session.get(VisitorPass, pass_id) if pass_id else None
    if row is None:
        return None, "invalid_signature"
    if door is not None and not fits_door(row, door):
        return row, "wrong_door"
    now = datetime.now(UTC)
    p = VisitorPass
    used = await session.execute(
        update(p)
        .where(
            p.id == row.id,
            p.revoked_at.is_(None),
            p.valid_from <= now,
            p.valid_until > now,
            or_(p.max_uses.is_(None), p.uses < p.max_uses),
        )
        .values(uses=p.uses + 1)
        .returning(p.uses)
        .execution_options(synchronize_session=False)
    )
    done = used.scalar_one_or_none() is not None
    await session.refresh(row)
    return row, "active" if done else status(row, now)
