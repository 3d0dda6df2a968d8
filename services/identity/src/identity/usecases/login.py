"""Signing in and out: the token endpoint's grants (code exchange, refresh, password for
first-party apps, client credentials) and logout. Each call owns its unit of work; the
protocol steps, their throttling and their audit records are in ``identity.auth`` and
``identity.oidc.token``."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from identity.auth import refresh
from identity.auth.keystore import KeyStore
from identity.auth.login import Authenticator, Issued
from identity.auth.revoked import access_revoked
from identity.auth.schemas import TokenRequest
from identity.db.auth import RefreshToken
from identity.oidc import token as oidc_token
from sc_core.auth import Anonymous, Caller, Principal
from sc_core.db.engine import Database
from sc_core.errors import Problem


def missing(*names: str) -> Problem:
    return Problem(
        400,
        "auth.invalid_request",
        "The request needs " + " and ".join(names),
        error="invalid_request",
        zh="请求缺少 " + "、".join(names),
    )


class Login:
    def __init__(self, db: Database, keystore: KeyStore) -> None:
        self.db = db
        self.keys = keystore

    async def token(
        self,
        request: Request,
        body: TokenRequest,
        form: dict[str, str],
        who: Anonymous,
        address: str,
        basic_client: tuple[str, str] | None,
    ) -> Issued | dict[str, Any]:
        """The grant the request asks for: issued tokens, or an OpenID Connect code
        exchange's answer (with its ID token) as the protocol library shapes it."""
        auth = Authenticator(self.keys)
        grant = body.grant_type or ("refresh_token" if body.refresh_token else "password")
        async with self.db.uow() as uow:
            if grant == "authorization_code":
                return await oidc_token.exchange_code(request, uow, self.keys, form)
            if grant == "password":
                if not body.username or not body.password:
                    raise missing("username", "password")
                return await auth.password(
                    uow, body.username, body.password, address, who, otp=body.otp
                )
            if grant == "refresh_token":
                if not body.refresh_token:
                    raise missing("refresh_token")
                await oidc_token.check_refresh_client(
                    uow, body.refresh_token, basic_client, body.client_id
                )
                return await auth.refresh(uow, body.refresh_token, who)
            client = basic_client or (body.client_id or "", body.client_secret or "")
            if not client[0] or not client[1]:
                raise missing("client_id", "client_secret")
            return await auth.client_credentials(uow, client[0], client[1], address, who)

    async def logout(
        self,
        who: Anonymous,
        principal: Principal | None,
        refresh_token: str | None,
        session_id: uuid.UUID | None,
    ) -> None:
        """Close a session: its refresh chain (named by a refresh token, or by the access
        token's session) and its access tokens at every verifier (issue 30.7)."""
        family: uuid.UUID | None = None
        owner: uuid.UUID | None = None
        async with self.db.uow() as uow:
            if refresh_token:
                row: RefreshToken | None = await refresh.family_of(uow.session, refresh_token)
                family, owner = (row.family_id, row.account_id) if row else (None, None)
            elif principal is not None:
                family, owner = session_id, uuid.UUID(principal.subject)
            else:
                raise missing("a refresh_token or a bearer token")
            if family is None:
                return
            now = datetime.now(UTC)
            await refresh.revoke_family(uow.session, family, now, "logout")
            if owner is not None:
                await access_revoked(
                    uow, self.keys.settings, owner, session_id=family, reason="logout", now=now
                )
            caller: Caller | Anonymous = who.signed_in(principal) if principal else who
            await uow.audit(caller, "auth.logout", "account", str(owner))
            await uow.commit()
