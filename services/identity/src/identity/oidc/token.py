"""The token endpoint's OpenID Connect parts: the code exchange (Authlib) and the client
check on refresh chains the code flow issued."""

from __future__ import annotations

import asyncio
from typing import Any

from authlib.oauth2.rfc6749.errors import OAuth2Error
from fastapi import Request

from identity.auth import refresh
from identity.auth.keystore import KeyStore
from identity.auth.passwords import verify_password_async
from identity.db.oidc import OidcClient
from identity.oidc.server import Context, OidcServer, make_request
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

TOKEN_PATH = "/api/v1/auth/token"  # noqa: S105 (a path)


async def exchange_code(
    request: Request, uow: UnitOfWork, keystore: KeyStore, form: dict[str, str]
) -> dict[str, Any]:
    """grant_type=authorization_code through Authlib: client authentication, the code
    (single use, its redirect URI), PKCE, then tokens and the ID token."""
    server = OidcServer(Context(uow, keystore, asyncio.get_running_loop()))
    headers = {}
    if auth := request.headers.get("authorization"):
        headers["Authorization"] = auth
    base = keystore.settings.public_base_url.rstrip("/")
    oauth = make_request("POST", f"{base}{TOKEN_PATH}", form, headers)
    try:
        status, body, answer_headers = await server.run(
            lambda: server.create_token_response(oauth), oauth
        )
    except OAuth2Error as error:  # input Authlib could not answer itself (see run)
        status, body, answer_headers = error.status_code, dict(error.get_body()), []
    if status != 200:
        if getattr(server, "code_reused", False):
            await uow.commit()  # the tokens of a copied code stay revoked
        raise oauth_problem(status, body, dict(answer_headers))
    await uow.commit()
    return dict(body)


# What an OAuth error (RFC 6749 and 6750) says to a person; its description stays English.
_OAUTH_WORDS = {
    "invalid_request": "登录请求不完整或格式不正确",
    "invalid_client": "接入应用的身份校验未通过",
    "invalid_grant": "登录凭证无效或已过期，请重新登录",
    "unauthorized_client": "该接入应用无权使用这种登录方式",
    "unsupported_grant_type": "不支持这种登录方式",
    "invalid_scope": "请求的权限范围无效",
    "access_denied": "登录已被拒绝",
    "invalid_token": "登录凭证无效或已过期，请重新登录",
    "insufficient_scope": "当前登录凭证的权限不足",
    "server_error": "登录服务出现错误，请稍后重试",
    "temporarily_unavailable": "登录服务暂时不可用，请稍后重试",
}


def oauth_problem(status: int, body: dict[str, Any], headers: dict[str, str]) -> Problem:
    """An OAuth error as the platform's problem+json, keeping RFC 6749's ``error`` and
    ``error_description`` members that OAuth clients read."""
    error = str(body.get("error", "invalid_request"))
    description = str(body.get("error_description") or error)
    kept = {k: v for k, v in headers.items() if k.lower() == "www-authenticate"}
    return Problem(
        status,
        f"oauth.{error}",
        description,
        zh=_OAUTH_WORDS.get(error, "登录请求无效，请重新登录"),
        headers=kept or None,
        error=error,
        error_description=description,
    )


async def check_refresh_client(
    uow: UnitOfWork, token: str, client: tuple[str, str] | None, client_id: str | None
) -> None:
    """A chain the code flow issued is refreshed only by its client (a confidential one
    with its secret), so a leaked refresh token is of no use to another app."""
    row = await refresh.family_of(uow.session, token)
    if row is None or row.client_id is None:
        return
    presented = client[0] if client else client_id
    if presented != row.client_id:
        raise _invalid_client("This refresh token belongs to another client")
    registered = await uow.session.get(OidcClient, row.client_id)
    if registered is None or registered.status != "active":
        raise _invalid_client("The client is unknown or disabled")
    if registered.secret_hash is not None and not (
        client and await verify_password_async(client[1], registered.secret_hash)
    ):
        raise _invalid_client("The client must authenticate")


def _invalid_client(detail: str) -> Problem:
    return Problem(
        401,
        "oauth.invalid_client",
        detail,
        headers={"WWW-Authenticate": 'Basic realm="identity"'},
        error="invalid_client",
        error_description=detail,
    )
