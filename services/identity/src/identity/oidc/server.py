"""Authlib's authorization server on identity's tables (ADR 0023).

Authlib's grants are synchronous; identity's database is async. Each protocol step runs
in a worker thread (:meth:`OidcServer.run`) and every callback that needs the database
hands a coroutine back to the request's event loop (:meth:`OidcServer.wait`), which runs
it on the request's unit of work while the thread waits. Authlib does the protocol:
request validation, exact redirect URIs, PKCE (S256 only; required for public clients),
client authentication, nonces and the ID token; identity does the accounts, the keys and
the refresh chains (rotated with reuse detection, as for every other login).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from sqlalchemy import select

from identity.auth import refresh
from identity.auth.keystore import KeyStore
from identity.auth.passwords import token_digest
from identity.auth.revoked import access_revoked
from identity.auth.tokens import access_claims, sign
from identity.db.auth import Account, Grant
from identity.db.oidc import AuthorizationCode, OidcClient
from identity.oidc import claims as oidc_claims
from identity.oidc.models import SCOPES, Client, Code, User
from sc_core.db.uow import UnitOfWork

T = TypeVar("T")
log = logging.getLogger(__name__)
BRIDGE_TIMEOUT_SECONDS = 30.0

# Authlib's steps run on threads of their own, never on the loop's default executor. A
# step holds its thread while its database callbacks run on the loop, and what those
# callbacks wait for may itself need the default executor (password hashes, the name
# lookup of a new database connection): on a shared pool, a handful of concurrent logins
# would hold every thread and wait for work that cannot start until the bridge gives up.
# Requests beyond the pool's size wait for a thread without holding anything.
STEP_THREADS = 8
_STEPS = ThreadPoolExecutor(max_workers=STEP_THREADS, thread_name_prefix="oidc-step")


@dataclass
class Context:
    """What one HTTP request gives the protocol: its unit of work, keys and loop."""

    uow: UnitOfWork
    keystore: KeyStore
    loop: asyncio.AbstractEventLoop
    sso_session_id: uuid.UUID | None = None
    ended_sessions: list[uuid.UUID] | None = None


class _Request(OAuth2Request):
    def __init__(self, method: str, uri: str, data: dict[str, str], headers: dict[str, str]):
        super().__init__(method, uri, headers=headers)
        self.payload = BasicOAuth2Payload(data)
        self._data = data

    @property
    def form(self) -> dict[str, str]:
        return self._data

    @property
    def args(self) -> dict[str, str]:
        return self._data


def make_request(method: str, uri: str, data: dict[str, str], headers: dict[str, str]) -> Any:
    return _Request(method, uri, dict(data), dict(headers))


class OidcServer(AuthorizationServer):
    def __init__(self, ctx: Context) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.ctx = ctx
        self.settings = ctx.keystore.settings
        self.register_grant(CodeGrant, [S256Only(required=True), IdToken(require_nonce=False)])
        self.register_token_generator("default", self._generate_token)
        self.register_endpoint(EndSession)

    # the bridge ---------------------------------------------------------------------
    def wait(self, coro: Awaitable[T]) -> T:
        """Run ``coro`` on the request's loop and wait for it (from the worker thread)."""
        future = asyncio.run_coroutine_threadsafe(_as_coroutine(coro), self.ctx.loop)
        try:
            return future.result(BRIDGE_TIMEOUT_SECONDS)
        except TimeoutError:
            future.cancel()  # never leave it working on the request's session
            raise

    async def run(self, step: Callable[[], T], request: Any = None) -> T:
        """Run a synchronous Authlib step in a worker thread (see the module's doc).

        The boundary for every Authlib call: an OAuth error goes on to the caller, which
        answers it as the protocol says; anything else Authlib raises on a request's input
        (a ``ValueError`` when an error description would echo characters RFC 6749 forbids
        there, a value it cannot parse) becomes ``invalid_request``, redirected to the
        client only when the client and the redirect URI are both its own (RFC 6749
        4.1.2.1). Errors of the database callbacks are not Authlib's and pass through.
        """
        call = contextvars.copy_context().run
        try:
            return await self.ctx.loop.run_in_executor(_STEPS, call, step)
        except OAuth2Error:
            raise
        except (ValueError, TypeError) as exc:
            if _from_callback(exc):
                raise
            log.info("authlib refused a request's input: %s", exc)
            raise await self.refusal(request) from exc

    async def refusal(self, request: Any) -> OAuth2Error:
        """``invalid_request`` for ``request``, with the redirect only when it is trusted."""
        payload = getattr(request, "payload", None)
        state = getattr(payload, "state", None)
        client_id = getattr(payload, "client_id", None)
        redirect_uri = getattr(payload, "redirect_uri", None)
        trusted = None
        if client_id and redirect_uri and printable(client_id):
            row = await self.ctx.uow.session.get(OidcClient, client_id)
            if (
                row is not None
                and row.status == "active"
                and Client(row).check_redirect_uri(redirect_uri)
            ):
                trusted = redirect_uri
        return InvalidRequestError(state=state, redirect_uri=trusted)

    # what Authlib asks -------------------------------------------------------------
    def query_client(self, client_id: str) -> Client | None:
        row = self.wait(self.ctx.uow.session.get(OidcClient, client_id))
        return Client(row) if row is not None and row.status == "active" else None

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        """Nothing to store: access tokens are JWTs; the refresh token was stored when
        it was generated."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def handle_response(self, status: int, body: Any, headers: Any) -> tuple[int, Any, Any]:
        return status, body, headers

    def create_oauth2_request(self, request: Any) -> Any:
        return request

    def _generate_token(
        self,
        grant_type: str,
        client: Client,
        user: User | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        assert user is not None
        return self.wait(self._issue(client, user, scope or ""))

    async def _issue(self, client: Client, user: User, scope: str) -> dict[str, Any]:
        now = datetime.now(UTC)
        s = self.settings
        token, family = await refresh.issue(
            self.ctx.uow.session,
            user.account.id,
            now,
            s.refresh_token_ttl_seconds,
            client_id=client.row.client_id,
            scope=scope,
            sso_session_id=user.sso_session_id,
        )
        claims = access_claims(s, user.account, user.grants, now, family)
        claims.update({"client_id": client.row.client_id, "scope": scope})
        access = await sign(self.ctx.keystore, claims)
        self.issued_family = family
        return {
            "token_type": "Bearer",
            "access_token": access,
            "expires_in": s.access_token_ttl_seconds,
            "refresh_token": token,
            "scope": scope,
        }


class S256Only(CodeChallenge):
    """PKCE with S256 only (``plain`` is refused); a public client must send it."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        super().validate_code_challenge(grant, redirect_uri)
        data = grant.request.payload.data
        client: Client = grant.request.client
        if client.public and (
            not data.get("code_challenge") or data.get("code_challenge_method") != "S256"
        ):
            raise InvalidRequestError(
                "A public client must send a PKCE code_challenge with method S256",
                redirect_uri=redirect_uri,
            )

    def get_authorization_code_challenge(self, authorization_code: Code) -> str | None:
        return authorization_code.row.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: Code) -> str | None:
        return authorization_code.row.code_challenge_method


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = [
        "client_secret_basic",
        "client_secret_post",
        "none",
    ]

    @property
    def oidc(self) -> OidcServer:
        server: OidcServer = self.server
        return server

    def save_authorization_code(self, code: str, request: Any) -> None:
        user: User = request.user
        data = request.payload.data
        ttl = self.oidc.settings.authorization_code_ttl_seconds
        row = AuthorizationCode(
            code_hash=token_digest(code),
            client_id=request.client.get_client_id(),
            account_id=user.account.id,
            sso_session_id=user.sso_session_id,
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope or "",
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            auth_time=user.auth_time,
            amr=list(user.amr),
            expires_at=datetime.now(UTC) + timedelta(seconds=ttl),
        )
        self.oidc.ctx.uow.session.add(row)

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        row = self.oidc.wait(_code(self.oidc.ctx.uow, code))
        if row is None or row.client_id != client.get_client_id():
            return None
        if row.used_at is not None:
            # a code presented twice was copied: the tokens it gave are revoked, the
            # refresh chain here and its access tokens at every verifier (issue 30.7)
            if row.family_id is not None:
                self.oidc.wait(_revoke_copied(self.oidc, row))
                self.oidc.code_reused = True
            return None
        if row.expires_at <= datetime.now(UTC):
            return None
        return Code(row)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        authorization_code.row.used_at = datetime.now(UTC)
        authorization_code.row.family_id = getattr(self.oidc, "issued_family", None)

    def authenticate_user(self, authorization_code: Code) -> User | None:
        return self.oidc.wait(
            _user(self.oidc.ctx.uow, authorization_code.row, self.oidc.ctx.sso_session_id)
        )


async def _revoke_copied(server: OidcServer, row: AuthorizationCode) -> None:
    """The chain a copied code gave ends: its refresh tokens here and, published on
    identity's topic with the unit of work (the token endpoint commits it even though it
    refuses the code), its access tokens at every verifier (ADR 0028)."""
    assert row.family_id is not None
    now = datetime.now(UTC)
    uow = server.ctx.uow
    await refresh.revoke_family(uow.session, row.family_id, now, "code_reuse")
    await access_revoked(
        uow, server.settings, row.account_id, session_id=row.family_id, reason="code_reuse", now=now
    )


class IdToken(OpenIDCode):
    """ID tokens: RS256 by default (a client may register EdDSA), signed with the key ring
    that rotates with the access tokens' keys."""

    def exists_nonce(self, nonce: str, request: Any) -> bool:
        server: OidcServer = self.server
        return bool(server.wait(_nonce_used(server.ctx.uow, request.payload.client_id, nonce)))

    def __call__(self, grant: Any) -> None:
        self.server = grant.server
        super().__call__(grant)

    def _key(self, client: Client) -> Any:
        server: OidcServer = self.server
        return server.wait(server.ctx.keystore.signing_key(client.id_token_signed_response_alg))

    def resolve_client_private_key(self, client: Client) -> dict[str, Any]:
        return self._key(client).private_jwk()

    def get_client_algorithm(self, client: Client) -> str:
        return client.id_token_signed_response_alg

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": client.id_token_signed_response_alg, "kid": self._key(client).kid}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        server: OidcServer = self.server
        now = int(time.time())
        return {
            "iss": server.settings.jwt_issuer,
            "aud": [client.get_client_id()],
            "iat": now,
            "exp": now + server.settings.access_token_ttl_seconds,
        }

    def generate_user_info(self, user: User, scope: str) -> UserInfo:
        info = UserInfo(oidc_claims.user_claims(user.account, user.grants, scope))
        if user.sso_session_id is not None:
            info["sid"] = str(user.sso_session_id)
        return info


class EndSession(EndSessionEndpoint):
    """RP-initiated logout: the ID token hint names the browser session (``sid``), which
    ends with every refresh chain it issued."""

    def resolve_client_from_id_token_claims(self, id_token_claims: dict[str, Any]) -> Any:
        aud = id_token_claims.get("aud")
        if isinstance(aud, list) and len(aud) == 1:  # identity's ID tokens: [client_id]
            aud = aud[0]
        return self.server.query_client(aud) if isinstance(aud, str) else None

    def get_server_jwks(self) -> dict[str, Any]:
        server: OidcServer = self.server
        return server.wait(server.ctx.keystore.jwks())

    def end_session(self, end_session_request: Any) -> None:
        server: OidcServer = self.server
        sid = (end_session_request.id_token_claims or {}).get("sid")
        ended = server.ctx.ended_sessions if server.ctx.ended_sessions is not None else []
        if sid:
            with contextlib.suppress(ValueError):
                ended.append(uuid.UUID(str(sid)))
        server.ctx.ended_sessions = ended


async def _as_coroutine(awaitable: Awaitable[T]) -> T:
    try:
        return await awaitable
    except (ValueError, TypeError) as exc:  # ours, not Authlib's: run() lets it pass
        exc.__dict__["_sc_callback"] = True
        raise


def _from_callback(exc: BaseException) -> bool:
    return bool(getattr(exc, "__dict__", {}).get("_sc_callback"))


def printable(value: str) -> bool:
    """RFC 6749's VSCHAR (%x20-7E): what a client_id can be."""
    return all(" " <= ch <= "~" for ch in value)


async def _code(uow: UnitOfWork, code: str) -> AuthorizationCode | None:
    return await uow.session.scalar(
        select(AuthorizationCode)
        .where(AuthorizationCode.code_hash == token_digest(code))
        .with_for_update()
    )


async def _nonce_used(uow: UnitOfWork, client_id: str, nonce: str) -> bool:
    found = await uow.session.scalar(
        select(AuthorizationCode.code_hash).where(
            AuthorizationCode.client_id == client_id, AuthorizationCode.nonce == nonce
        )
    )
    return found is not None


async def _user(
    uow: UnitOfWork, code: AuthorizationCode, sso_session_id: uuid.UUID | None
) -> User | None:
    account = await uow.session.get(Account, code.account_id)
    if account is None or account.status != "active":
        return None
    grants = list(await uow.session.scalars(select(Grant).where(Grant.account_id == account.id)))
    return User(account, grants, code.auth_time, list(code.amr), code.sso_session_id)
