"""OpenID Connect's browser-facing steps: the hosted login page (authorization endpoint),
userinfo and RP-initiated logout. Each call owns its unit of work (a GET's is read-only:
what it writes commits as written, as the page flows expect); the protocol is in
``identity.oidc``."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from authlib.oauth2.rfc6749.errors import OAuth2Error
from fastapi import Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from identity.auth.keystore import KeyStore
from identity.db.auth import Account, Grant
from identity.oidc import pages, sessions
from identity.oidc.claims import user_claims
from identity.oidc.flow import LoginFlow
from identity.oidc.server import Context, OidcServer, make_request
from identity.oidc.txn import COOKIE_PATH, SSO_COOKIE
from identity.usecases.sms import SmsCodes
from sc_core.auth import Anonymous, Principal
from sc_core.db.engine import Database


class OpenIdPages:
    def __init__(self, db: Database, keystore: KeyStore, sms: SmsCodes | None = None) -> None:
        self.db = db
        self.keys = keystore
        self.sms = sms  # the page's SMS tab (验证码登录)

    async def authorize(
        self, request: Request, query: dict[str, str], lang: str | None
    ) -> Response:
        """The login page for an authorization request (or straight back to the client
        with a code when the browser's single sign-on session allows)."""
        async with self.db.uow(read_only=True) as uow:
            flow = LoginFlow(request, uow, self.keys, self.sms)
            if len(query) != len(request.query_params.multi_items()):  # a parameter twice
                return flow._message(pages.pick_lang(lang), "oidc.invalid_request", status=400)
            return await flow.start(query)

    async def submit(self, request: Request, form: dict[str, str]) -> Response:
        """One step of the login page's form: password, second factor, consent."""
        async with self.db.uow() as uow:
            return await LoginFlow(request, uow, self.keys, self.sms).submit(form)

    async def userinfo(self, principal: Principal, scope: str, *, reading: bool) -> dict[str, Any]:
        """The claims the token's scope allows about its account."""
        try:
            account_id = uuid.UUID(principal.subject)
        except ValueError:  # a token for no account of identity's (a service's own)
            return {"sub": principal.subject}
        async with self.db.uow(read_only=reading) as uow:
            account = await uow.session.get(Account, account_id)
            if account is None:
                return {"sub": principal.subject}
            grants = list(
                await uow.session.scalars(select(Grant).where(Grant.account_id == account.id))
            )
            return user_claims(account, grants, scope)

    async def end_session(
        self, request: Request, query: dict[str, str], who: Anonymous, lang: str
    ) -> Response:
        """RP-initiated logout: the sessions the ID token hint and the browser's cookie
        name end, with their refresh tokens; back to the client or a page that says so."""
        async with self.db.uow(read_only=True) as uow:
            ctx = Context(uow, self.keys, asyncio.get_running_loop())
            server = OidcServer(ctx)
            base = self.keys.settings.public_base_url.rstrip("/")
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
