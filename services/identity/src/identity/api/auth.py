"""The token endpoint (code exchange, refresh, password for first-party apps, client
credentials) and logout. Discovery, JWKS and the hosted login page are in ``api/oidc.py``."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

import jwt
from fastapi import APIRouter, Request, Response
from pydantic import ValidationError

from identity.api.deps import LoginDep
from identity.auth.address import source_address
from identity.auth.login import Issued
from identity.auth.schemas import LogoutRequest, TokenRequest, TokenResponse
from sc_core.auth import AnonymousCaller, OptionalPrincipal, Principal
from sc_core.errors import Problem, reader_locale
from sc_core.field_errors import field_errors

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
                415,
                "request.unsupported_media_type",
                f"Send JSON or {_FORM}, not {media!r}",
                zh=f"请以 JSON 或 {_FORM} 格式提交，而不是 {media!r}",
            )
        if not isinstance(raw, dict):
            raise Problem(
                422,
                "request.validation_failed",
                "The body must be an object",
                zh="请求体必须是一个对象",
            )
        form = {str(k): v for k, v in raw.items() if isinstance(v, str)}
        return TokenRequest.model_validate(raw), form
    except ValueError as exc:  # bad JSON, bad form, or invalid fields
        errors = exc.errors(include_url=False) if isinstance(exc, ValidationError) else []
        fields = field_errors(list(errors), reader_locale(request))
        raise Problem(
            422,
            "request.validation_failed",
            "The token request is invalid",
            errors=fields,
            zh="令牌请求无效",
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


@router.post(
    "/api/v1/auth/token",
    response_model=TokenResponse,
    openapi_extra=_TOKEN_BODY,
    summary="Exchange a code (OpenID Connect), refresh, log in (password), or get a token "
    "for a service account",
)
async def token(
    request: Request, response: Response, login: LoginDep, who: AnonymousCaller
) -> TokenResponse:
    body, form = await _token_request(request)
    response.headers.update(NO_STORE)
    issued = await login.token(
        request, body, form, who, source_address(request), _basic_client(request)
    )
    if not isinstance(issued, Issued):  # an OpenID Connect code exchange
        return TokenResponse.model_validate(issued)
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
    login: LoginDep,
    who: AnonymousCaller,
    principal: OptionalPrincipal,
    body: LogoutRequest | None = None,
) -> Response:
    refresh_token = body.refresh_token if body is not None else None
    session = _session_of(request, principal) if principal is not None else None
    await login.logout(who, principal, refresh_token, session)
    return Response(status_code=204, headers=NO_STORE)
