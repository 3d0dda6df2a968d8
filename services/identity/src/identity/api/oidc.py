"""OpenID Connect: discovery, keys, the hosted login page (authorization endpoint),
userinfo and RP-initiated logout. Thin: the protocol is in ``identity.oidc``."""

from __future__ import annotations

from typing import Annotated, Any

import jwt
from fastapi import APIRouter, Form, Query, Request, Response
from starlette.responses import HTMLResponse

from identity.api.deps import KeyStoreDep, OpenIdPagesDep, SettingsDep
from identity.oidc import pages
from identity.oidc.flow import AUTHORIZE_PATH
from identity.oidc.models import SCOPES
from identity.usecases.oidc import OpenIdPages
from sc_core.auth import AnonymousCaller, CurrentPrincipal, Principal

router = APIRouter(tags=["openid"])
PAGES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "The hosted page"},
    302: {"description": "Back to the client's redirect URI"},
}
Text = Annotated[str | None, Query(max_length=2000)]


@router.get("/.well-known/openid-configuration", summary="OpenID Provider metadata")
async def openid_configuration(settings: SettingsDep, keys: KeyStoreDep) -> dict[str, Any]:
    base = settings.public_base_url.rstrip("/")
    grants = ["authorization_code", "refresh_token", "client_credentials"]
    if settings.password_grant:
        grants.append("password")
    algorithms = await keys.algorithms()
    return {
        "issuer": settings.jwt_issuer,
        "authorization_endpoint": f"{base}{AUTHORIZE_PATH}",
        "token_endpoint": f"{base}/api/v1/auth/token",
        "userinfo_endpoint": f"{base}/oauth2/userinfo",
        "end_session_endpoint": f"{base}/oauth2/logout",
        "jwks_uri": f"{base}/.well-known/jwks.json",
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": grants,
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": sorted(algorithms, key=lambda a: a != "RS256"),
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_post",
            "none",
        ],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login"],
        "ui_locales_supported": list(pages.LANGS),
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "amr",
            "sid",
            "at_hash",
            "name",
            "preferred_username",
            "roles",
            "grants",
        ],
    }


@router.get("/.well-known/jwks.json", summary="The public keys that verify tokens")
async def jwks(response: Response, keys: KeyStoreDep, settings: SettingsDep) -> dict[str, Any]:
    response.headers["Cache-Control"] = f"public, max-age={min(300, settings.jwks_cache_seconds)}"
    return await keys.jwks()


@router.get(
    AUTHORIZE_PATH,
    summary="Authorization endpoint: the hosted login page",
    response_class=HTMLResponse,
    responses=PAGES,
)
async def authorize(
    request: Request,
    login: OpenIdPagesDep,
    response_type: Text = None,
    client_id: Text = None,
    redirect_uri: Text = None,
    scope: Text = None,
    state: Text = None,
    nonce: Text = None,
    code_challenge: Text = None,
    code_challenge_method: Text = None,
    prompt: Text = None,
    ui_locales: Text = None,
    lang: Text = None,
) -> Response:
    return await login.authorize(request, dict(request.query_params), lang)


@router.post(
    AUTHORIZE_PATH,
    summary="The hosted login page's form (password or SMS code, second factor, consent)",
    response_class=HTMLResponse,
    responses=PAGES,
)
async def authorize_submit(
    request: Request,
    login: OpenIdPagesDep,
    txn: Annotated[str, Form(max_length=8000)],
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    code: Annotated[str | None, Form(max_length=32)] = None,
    decision: Annotated[str | None, Form(max_length=16)] = None,
    mode: Annotated[str | None, Form(max_length=16)] = None,
    mobile: Annotated[str | None, Form(max_length=32)] = None,
    send: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    form = {
        k: v
        for k, v in {
            "txn": txn,
            "username": username,
            "password": password,
            "code": code,
            "decision": decision,
            "mode": mode,
            "mobile": mobile,
            "send": send,
        }.items()
        if v is not None
    }
    return await login.submit(request, form)


async def _userinfo(
    request: Request, principal: Principal, login: OpenIdPages, *, reading: bool
) -> dict[str, Any]:
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    claims = jwt.decode(token, options={"verify_signature": False})  # verified already
    scope = str(claims.get("scope") or " ".join(SCOPES))  # password-grant tokens: all
    return await login.userinfo(principal, scope, reading=reading)


@router.get("/oauth2/userinfo", summary="OpenID Connect userinfo (claims by the token's scope)")
async def userinfo(
    request: Request, principal: CurrentPrincipal, login: OpenIdPagesDep
) -> dict[str, Any]:
    return await _userinfo(request, principal, login, reading=True)


@router.post("/oauth2/userinfo", summary="OpenID Connect userinfo (POST form)")
async def userinfo_post(
    request: Request, principal: CurrentPrincipal, login: OpenIdPagesDep
) -> dict[str, Any]:
    return await _userinfo(request, principal, login, reading=False)


@router.get(
    "/oauth2/logout",
    summary="RP-initiated logout (end_session_endpoint)",
    response_class=HTMLResponse,
    responses=PAGES,
)
async def end_session(
    request: Request,
    login: OpenIdPagesDep,
    who: AnonymousCaller,
    id_token_hint: Annotated[str | None, Query(max_length=8000)] = None,
    post_logout_redirect_uri: Text = None,
    client_id: Text = None,
    state: Text = None,
    ui_locales: Text = None,
) -> Response:
    lang = pages.pick_lang(ui_locales, accept=request.headers.get("accept-language", ""))
    return await login.end_session(request, dict(request.query_params.items()), who, lang)
