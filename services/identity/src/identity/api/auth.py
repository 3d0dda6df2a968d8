"""The token endpoint (code exchange, refresh, password for first-party apps, client
credentials) and logout. Discovery, JWKS and the hosted login page are in ``api/oidc.py``."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import UTC, datetime
from typing import Any

import jwt
from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from identity.api.deps import KeyStoreDep, source_address
from identity.auth import refresh
from identity.auth.login import Authenticator, Issued
from identity.auth.revoked import access_revoked
from identity.auth.schemas import LogoutRequest, TokenRequest, TokenResponse
from identity.db.auth import RefreshToken
from identity.oidc import token as oidc_token
from sc_core.api import UnitOfWorkDep
from sc_core.auth import Anonymous, AnonymousCaller, Caller, OptionalPrincipal, Principal
from sc_core.errors import Problem

router = APIRouter(tags=["auth"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

_FORM = "application/x-www-form-urlencoded"
_TOKEN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": TokenRequest.model_json_schema()},
            _FORM: {"schema": TokenRequest.model_json_schema()},
        },
    }
}


async def _token_request(request: Request) -> tuple[TokenRequest, dict[str, str]]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if media == "application/json":
            raw: Any = await request.json()
        elif media in (_FORM, "multipart/form-data"):
            raw = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        else:
            raise Problem(
                415, "request.unsupported_media_type", f"Send JSON or {_FORM}, not {media!r}"
            )
        if not isinstance(raw, dict):
            raise Problem(422, "request.validation_failed", "The body must be an object")
        form = {str(k): v for k, v in raw.items() if isinstance(v, str)}
        return TokenRequest.model_validate(raw), form
    except ValueError as exc:  # bad JSON, bad form, or invalid fields
        errors = exc.errors(include_url=False) if isinstance(exc, ValidationError) else []
        fields = [{"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in errors]
        raise Problem(
            422, "request.validation_failed", "The token request is invalid", errors=fields
        ) from exc


def _basic_client(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, sep, secret = base64.b64decode(value.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (client_id, secret) if sep else None


def _missing(*names: str) -> Problem:
    return Problem(
        400,
        "auth.invalid_request",
        "The request needs " + " and ".join(names),
        error="invalid_request",
    )


@router.post(
    "/api/v1/auth/token",
    response_model=TokenResponse,
    openapi_extra=_TOKEN_BODY,
    summary="Exchange a code (OpenID Connect), refresh, log in (password), or get a token "
    "for a service account",
)
async def token(
    request: Request,
    response: Response,
    uow: UnitOfWorkDep,
    keys: KeyStoreDep,
    who: AnonymousCaller,
) -> TokenResponse:
    body, form = await _token_request(request)
    auth = Authenticator(keys)
    address = source_address(request)
    grant = body.grant_type or ("refresh_token" if body.refresh_token else "password")
    issued: Issued
    response.headers.update(NO_STORE)
    if grant == "authorization_code":
        return TokenResponse.model_validate(
            await oidc_token.exchange_code(request, uow, keys, form)
        )
    if grant == "password":
        if not body.username or not body.password:
            raise _missing("username", "password")
        issued = await auth.password(uow, body.username, body.password, address, who, otp=body.otp)
    elif grant == "refresh_token":
        if not body.refresh_token:
            raise _missing("refresh_token")
        await oidc_token.check_refresh_client(
            uow, body.refresh_token, _basic_client(request), body.client_id
        )
        issued = await auth.refresh(uow, body.refresh_token, who)
    else:
        client = _basic_client(request) or (body.client_id or "", body.client_secret or "")
        if not client[0] or not client[1]:
            raise _missing("client_id", "client_secret")
        issued = await auth.client_credentials(uow, client[0], client[1], address, who)
    return TokenResponse(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
        scope=issued.scope,
    )


def _session_of(request: Request, principal: Principal) -> uuid.UUID | None:
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    claims = jwt.decode(token, options={"verify_signature": False})  # verified already
    try:
        return uuid.UUID(str(claims.get("sid")))
    except ValueError:
        return None


@router.post("/api/v1/auth/logout", status_code=204, summary="Close the session (refresh chain)")
async def logout(
    request: Request,
    uow: UnitOfWorkDep,
    who: AnonymousCaller,
    keys: KeyStoreDep,
    principal: OptionalPrincipal,
    body: LogoutRequest | None = None,
) -> Response:
    family: uuid.UUID | None = None
    owner: uuid.UUID | None = None
    if body is not None and body.refresh_token:
        row: RefreshToken | None = await refresh.family_of(uow.session, body.refresh_token)
        family, owner = (row.family_id, row.account_id) if row else (None, None)
    elif principal is not None:
        family, owner = _session_of(request, principal), uuid.UUID(principal.subject)
    else:
        raise _missing("a refresh_token or a bearer token")
    if family is not None:
        now = datetime.now(UTC)
        await refresh.revoke_family(uow.session, family, now, "logout")
        if owner is not None:  # its access tokens too, at every verifier (issue 30.7)
            await access_revoked(
                uow, keys.settings, owner, session_id=family, reason="logout", now=now
            )
        caller: Caller | Anonymous = who.signed_in(principal) if principal else who
        await uow.audit(caller, "auth.logout", "account", str(owner))
        await uow.commit()
    return Response(status_code=204, headers=NO_STORE)
