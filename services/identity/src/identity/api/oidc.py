"""OpenID Connect: discovery, keys, the hosted login page (authorization endpoint),
userinfo and RP-initiated logout. Thin: the protocol is in ``identity.oidc``."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

import jwt
from authlib.oauth2.rfc6749.errors import OAuth2Error
from fastapi import APIRouter, Form, Query, Request, Response
from sqlalchemy import select
from starlette.responses import HTMLResponse, RedirectResponse

from identity.api.deps import KeyStoreDep, SettingsDep
from identity.db.auth import Account, Grant
from identity.oidc import pages, sessions
from identity.oidc.claims import user_claims
from identity.oidc.flow import AUTHORIZE_PATH, LoginFlow
from identity.oidc.models import SCOPES
from identity.oidc.server import Context, OidcServer, make_request
from identity.oidc.txn import COOKIE_PATH, SSO_COOKIE
from sc_core.api import UnitOfWorkDep
from sc_core.auth import AnonymousCaller, CurrentPrincipal

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
    uow: UnitOfWorkDep,
    keys: KeyStoreDep,
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
    query = dict(request.query_params)
    flow = LoginFlow(request, uow, keys)
    if len(query) != len(request.query_params.multi_items()):  # a parameter twice
        return flow._message(pages.pick_lang(lang), "oidc.invalid_request", status=400)
    return await flow.start(query)


@router.post(
    AUTHORIZE_PATH,
    summary="The hosted login page's form (password, second factor, consent)",
    response_class=HTMLResponse,
    responses=PAGES,
)
async def authorize_submit(
    request: Request,
    uow: UnitOfWorkDep,
    keys: KeyStoreDep,
    txn: Annotated[str, Form(max_length=8000)],
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    code: Annotated[str | None, Form(max_length=32)] = None,
    decision: Annotated[str | None, Form(max_length=16)] = None,
) -> Response:
    form = {
        k: v
        for k, v in {
            "txn": txn,
            "username": username,
            "password": password,
            "code": code,
            "decision": decision,
        }.items()
        if v is not None
    }
    return await LoginFlow(request, uow, keys).submit(form)


async def _userinfo(request: Request, principal: CurrentPrincipal, uow: UnitOfWorkDep) -> dict:
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    claims = jwt.decode(token, options={"verify_signature": False})  # verified already
    scope = str(claims.get("scope") or " ".join(SCOPES))  # password-grant tokens: all
    try:
        account_id = uuid.UUID(principal.subject)
    except ValueError:  # a token for no account of identity's (a service's own)
        return {"sub": principal.subject}
    account = await uow.session.get(Account, account_id)
    if account is None:
        return {"sub": principal.subject}
    grants = list(await uow.session.scalars(select(Grant).where(Grant.account_id == account.id)))
    return user_claims(account, grants, scope)


@router.get("/oauth2/userinfo", summary="OpenID Connect userinfo (claims by the token's scope)")
async def userinfo(
    request: Request, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> dict[str, Any]:
    return await _userinfo(request, principal, uow)


@router.post("/oauth2/userinfo", summary="OpenID Connect userinfo (POST form)")
async def userinfo_post(
    request: Request, principal: CurrentPrincipal, uow: UnitOfWorkDep
) -> dict[str, Any]:
    return await _userinfo(request, principal, uow)


@router.get(
    "/oauth2/logout",
    summary="RP-initiated logout (end_session_endpoint)",
    response_class=HTMLResponse,
    responses=PAGES,
)
async def end_session(
    request: Request,
    uow: UnitOfWorkDep,
    keys: KeyStoreDep,
    who: AnonymousCaller,
    id_token_hint: Annotated[str | None, Query(max_length=8000)] = None,
    post_logout_redirect_uri: Text = None,
    client_id: Text = None,
    state: Text = None,
    ui_locales: Text = None,
) -> Response:
    lang = pages.pick_lang(ui_locales, accept=request.headers.get("accept-language", ""))
    query = {k: v for k, v in request.query_params.items()}
    ctx = Context(uow, keys, asyncio.get_running_loop())
    server = OidcServer(ctx)
    base = keys.settings.public_base_url.rstrip("/")
    oauth = make_request("GET", f"{base}/oauth2/logout", query, {})
    try:
        checked = await server.run(
            lambda: server.validate_endpoint_request("end_session", oauth), oauth
        )
        answer = await server.run(
            lambda: server.create_endpoint_response("end_session", checked), oauth
        )
    except OAuth2Error:
        text = pages.TEXT[lang]
        return pages.render(
            "message",
            lang,
            status=400,
            heading=text["error_title"],
            message=text["oidc.invalid_request"],
        )
    ended = list(ctx.ended_sessions or [])
    browser = await sessions.from_cookie(uow, request.cookies.get(SSO_COOKIE))
    if browser is not None:
        ended.append(browser.id)
    revoked = await sessions.end(uow, ended)
    if ended:
        await uow.audit(
            who,
            "auth.logout",
            "sso_session",
            str(ended[0]),
            detail={"sessions": str(len(set(ended))), "refresh_tokens": str(revoked)},
        )
    await uow.commit()
    if answer is not None:
        _status, _, headers = answer
        response: Response = RedirectResponse(dict(headers)["Location"], status_code=302)
    else:
        response = pages.render("message", lang, message=pages.TEXT[lang]["logged_out"])
    response.delete_cookie(SSO_COOKIE, path=COOKIE_PATH)
    return response
