"""Stream tickets: ``POST /api/v1/stream/tickets`` answers a short-lived, single-use ticket
that opens ``GET /api/v1/stream?ticket=...`` without an Authorization header.

Browsers' ``EventSource`` and many mini-program runtimes cannot send headers, and an
access token in a URL ends up in logs and histories. A ticket is random (256 bits), lives
``STREAM_TICKET_SECONDS`` (30 s), opens one stream, and carries the caller's own claims
and the expiry of the token that asked for it: the stream ends when that token would have,
or when it is revoked (its sign-in and issue time are kept for that, ADR 0028).
Only its SHA-256 is stored; it is consumed by one ``DELETE ... RETURNING``, so two
connections with the same ticket never both open.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import delete, insert

from notification.api.deps import UseCasesDep
from notification.db.models import stream_ticket
from notification.usecases import UseCases
from sc_core.auth import CurrentPrincipal, Principal
from sc_core.auth.deps import optional_principal
from sc_core.auth.jwks import unauthorized
from sc_core.auth.revocation import revocations_of

router = APIRouter(tags=["stream"])


class StreamTicket(BaseModel):
    ticket: str
    expires_at: datetime
    url: str  # the stream's path with the ticket, to hand to EventSource as it is


def _hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


@router.post(
    "/api/v1/stream/tickets",
    status_code=201,
    summary="A single-use ticket that opens the stream without an Authorization header",
)
async def issue_ticket(principal: CurrentPrincipal, usecases: UseCasesDep) -> StreamTicket:
    now = datetime.now(UTC)
    expires = now + timedelta(seconds=usecases.settings.stream_ticket_seconds)
    if principal.expires_at is not None:
        expires = min(expires, principal.expires_at)
    claims = principal.to_claims()
    if principal.expires_at is not None:
        claims["exp"] = int(principal.expires_at.timestamp())
    if principal.token_id is not None:
        claims["jti"] = principal.token_id
    # what a revocation names (ADR 0028): the sign-in and when its token was issued
    if principal.session_id is not None:
        claims["sid"] = principal.session_id
    if principal.issued_at is not None:
        claims["iat"] = int(principal.issued_at.timestamp())
    ticket = secrets.token_urlsafe(32)
    async with usecases.dispatcher.db.engine.begin() as conn:
        await conn.execute(delete(stream_ticket).where(stream_ticket.c.expires_at < now))
        await conn.execute(
            insert(stream_ticket).values(
                ticket_hash=_hash(ticket), claims=claims, expires_at=expires
            )
        )
    return StreamTicket(ticket=ticket, expires_at=expires, url=f"/api/v1/stream?ticket={ticket}")


async def redeem(usecases: UseCases, ticket: str) -> Principal:
    """The principal a ticket was issued to; the ticket is gone afterwards (401 if unknown,
    used or expired)."""
    t = stream_ticket.c
    async with usecases.dispatcher.db.engine.begin() as conn:
        claims = (
            await conn.execute(
                delete(stream_ticket)
                .where(t.ticket_hash == _hash(ticket), t.expires_at > datetime.now(UTC))
                .returning(t.claims)
            )
        ).scalar_one_or_none()
    if claims is None:
        raise unauthorized(
            "stream.ticket_invalid",
            "This stream ticket is unknown, used or expired: ask for a new one "
            "(POST /api/v1/stream/tickets)",
            zh="实时推送凭证无效、已使用或已过期，请重新获取",
        )
    return Principal.from_claims(claims)


async def stream_principal(
    request: Request,
    usecases: UseCasesDep,
    ticket: Annotated[str | None, Query(max_length=128)] = None,
) -> Principal:
    """The stream's caller: a bearer token, or else a ticket from ``?ticket=``."""
    principal = await optional_principal(request)
    if principal is not None:
        return principal
    if ticket:
        redeemed = await redeem(usecases, ticket)
        revocations = revocations_of(request.app)
        if revocations is not None:  # its token was revoked since the ticket was issued
            revocations.check(redeemed)
        return redeemed
    raise unauthorized(
        "auth.unauthenticated",
        "The stream needs a bearer token or a ticket (?ticket=, from POST /api/v1/stream/tickets)",
        error="invalid_request",
        zh="请先登录后再接收实时推送",
    )


StreamPrincipal = Annotated[Principal, Depends(stream_principal)]
