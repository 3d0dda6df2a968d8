"""The hosted login page: the steps between a client's authorization request and the code.

password → (second factor | enrolment → recovery codes) → (consent, third-party clients)
→ authorization code. A valid single sign-on cookie skips to the consent check. Every
step re-validates the client's request through Authlib, so nothing a browser posts can
change the client, the redirect URI, the scope or the PKCE challenge.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6749.util import scope_to_list
from fastapi import Request
from sqlalchemy import select
from starlette.responses import RedirectResponse, Response

from identity.auth.address import source_address
from identity.auth.keystore import KeyStore
from identity.auth.login import Authenticator
from identity.config import Settings
from identity.db.auth import Account, Grant
from identity.db.oidc import Consent
from identity.mfa import factors, totp
from identity.oidc import pages, sessions
from identity.oidc.models import Client, User
from identity.oidc.server import Context, OidcServer, make_request, printable
from identity.oidc.txn import COOKIE_PATH, CSRF_COOKIE, SSO_COOKIE, Txn
from identity.sms.codes import Purpose
from sc_core.auth import Anonymous
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.validators import parse_mobile

if TYPE_CHECKING:  # identity.usecases imports this module
    from identity.usecases.sms import SmsCodes

AUTHORIZE_PATH = "/oauth2/authorize"
AMR_PASSWORD, AMR_OTP, AMR_MFA, AMR_SMS = "pwd", "otp", "mfa", "sms"


class LoginFlow:
    def __init__(
        self,
        request: Request,
        uow: UnitOfWork,
        keystore: KeyStore,
        sms: SmsCodes | None = None,
    ) -> None:
        self.request = request
        self.sms = sms
        self.who = Anonymous.of(request)  # the person signing in, named once known
        self.uow = uow
        self.keystore = keystore
        self.settings: Settings = keystore.settings
        self.auth = Authenticator(keystore)
        self.server = OidcServer(Context(uow, keystore, asyncio.get_running_loop()))
        self.secure = self.settings.jwt_issuer.startswith("https://")
        self.cookies: list[tuple[str, str, int]] = []

    # entry points ---------------------------------------------------------------------
    async def start(self, query: dict[str, str]) -> Response:
        accept = self.request.headers.get("accept-language", "")
        lang = pages.pick_lang(query.get("lang"), query.get("ui_locales"), accept=accept)
        checked = await self._validate(query, lang)
        if isinstance(checked, Response):
            return checked
        prompt = set((query.get("prompt") or "").split())
        if "login" not in prompt:
            sso = await sessions.from_cookie(self.uow, self.request.cookies.get(SSO_COOKIE))
            if sso is not None:
                txn = Txn.new(query, None, lang, self.settings.login_transaction_ttl_seconds)
                txn.account, txn.amr, txn.sso = str(sso.account_id), list(sso.amr), str(sso.id)
                txn.auth_time = int(sso.auth_time.timestamp())
                return await self._decide(txn, checked)
        if "none" in prompt:
            return self._redirect_error(query, "login_required")
        csrf = self.request.cookies.get(CSRF_COOKIE)
        txn = Txn.new(query, csrf, lang, self.settings.login_transaction_ttl_seconds)
        return self._page("login", txn, client=checked)

    async def submit(self, form: dict[str, str]) -> Response:
        txn = Txn.open(form.get("txn", ""), self.request.cookies.get(CSRF_COOKIE))
        if txn is None:
            lang = pages.pick_lang(accept=self.request.headers.get("accept-language", ""))
            return self._message(lang, "oidc.expired", status=400)
        if lang := form.get("lang"):
            txn.lang = pages.pick_lang(lang)
        checked = await self._validate(txn.query, txn.lang)
        if isinstance(checked, Response):
            return checked
        step = getattr(self, f"_step_{txn.step}", None)
        if step is None:
            return self._message(txn.lang, "oidc.expired", status=400)
        response: Response = await step(txn, checked, form)
        return response

    # steps ---------------------------------------------------------------------------
    async def _step_password(self, txn: Txn, client: Client, form: dict[str, str]) -> Response:
        if form.get("mode") == "sms" and self.sms is not None:  # the 验证码登录 tab
            txn.step = "sms"
            return self._page("sms", txn, client=client)
        username, password = form.get("username", "").strip(), form.get("password", "")
        if not username or not password:
            return self._page("login", txn, client=client, error="missing", username=username)
        try:
            account = await self.auth.check_login(
                self.uow, username, password, self._address(), self.who
            )
        except Problem as problem:
            return self._page("login", txn, client=client, error=problem.code, username=username)
        txn.account, txn.amr = str(account.id), [AMR_PASSWORD]
        return await self._first_factor_done(txn, client, account)

    async def _step_sms(self, txn: Txn, client: Client, form: dict[str, str]) -> Response:
        """The SMS tab: send a code to the number, then sign in with it."""
        if form.get("mode") == "password" or self.sms is None:
            txn.step = "password"
            return self._page("login", txn, client=client)
        raw = form.get("mobile", "").strip()
        try:
            mobile = parse_mobile(raw)
        except ValueError:
            return self._page("sms", txn, client=client, error="mobile.format", mobile=raw)
        if form.get("send"):
            try:
                await self.sms.request(self.who, mobile, Purpose.login, txn.lang)
            except Problem as problem:
                return self._page("sms", txn, client=client, error=problem.code, mobile=mobile)
            return self._page("sms", txn, client=client, mobile=mobile, sent=True)
        code = form.get("code", "").strip()
        if not code:
            return self._page("sms", txn, client=client, error="missing", mobile=mobile, sent=True)
        try:
            account = await self.sms.check_login(
                self.uow, self.auth, self.who, mobile, code, self._address()
            )
        except Problem as problem:
            return self._page(
                "sms", txn, client=client, error=problem.code, mobile=mobile, sent=True
            )
        txn.account, txn.amr = str(account.id), [AMR_SMS]
        return await self._first_factor_done(txn, client, account)

    async def _first_factor_done(self, txn: Txn, client: Client, account: Account) -> Response:
        """Password or SMS code right: the second factor, its enrolment, or signed in."""
        state = await factors.status(self.uow, self.settings, account)
        if state.enrolled:
            txn.step = "mfa"
            await self.uow.commit()  # the throttle counters the password check reset
            sms = self.sms is not None and bool(account.mobile) and txn.amr[:1] == [AMR_PASSWORD]
            return self._page("mfa", txn, sms=sms)
        if state.must_enrol:
            return await self._enrol(txn, account)
        return await self._finish(txn, client, account)

    async def _step_mfa(self, txn: Txn, client: Client, form: dict[str, str]) -> Response:
        account = await self._account(txn)
        if account is None:
            return self._message(txn.lang, "oidc.expired", status=400)
        try:
            await self.auth.ensure_unlocked(self.uow, account, self._address(), self.who)
        except Problem as problem:
            return self._page("mfa", txn, error=problem.code)
        # after a password, an SMS code to the account's own mobile is the second option
        sms = self.sms is not None and bool(account.mobile) and txn.amr[:1] == [AMR_PASSWORD]
        if form.get("send") and sms and self.sms is not None and account.mobile:
            try:
                await self.sms.request(self.who, account.mobile, Purpose.mfa, txn.lang)
            except Problem as problem:
                return self._page("mfa", txn, error=problem.code, sms=sms)
            return self._page("mfa", txn, sms=sms, sent=True)
        code = form.get("code", "")
        method = await factors.check(self.uow, account.id, code)
        if (
            method is None
            and sms
            and await factors.check_sms(self.uow, self.settings, account, code)
        ):
            method = AMR_SMS
        if method is None:
            await self.auth.second_factor_failed(self.uow, account, self._address(), self.who)
            return self._page("mfa", txn, error="mfa.invalid_code", sms=sms)
        second = AMR_SMS if method == AMR_SMS else AMR_OTP
        txn.amr = [*txn.amr[:1], second, AMR_MFA]
        return await self._finish(txn, client, account)

    async def _enrol(self, txn: Txn, account: Account, error: str | None = None) -> Response:
        """The enrolment page: a new secret, or the pending one again after a wrong code."""
        pending = await factors.pending_secret(self.uow, account.id) if error else None
        secret = pending or await factors.start_totp(self.uow, account.id)
        await self.uow.commit()
        txn.step = "enrol"
        uri = totp.provisioning_uri(secret, account.username, self.settings.totp_issuer_name)
        grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        return self._page("enrol", txn, secret_grouped=grouped, otpauth=uri, error=error)

    async def _step_enrol(self, txn: Txn, client: Client, form: dict[str, str]) -> Response:
        account = await self._account(txn)
        if account is None:
            return self._message(txn.lang, "oidc.expired", status=400)
        codes = await factors.confirm_totp(self.uow, account.id, form.get("code", ""))
        if codes is None:
            await self.auth.second_factor_failed(self.uow, account, self._address(), self.who)
            return await self._enrol(txn, account, error="mfa.invalid_code")
        await self.uow.audit(
            self.who, "auth.mfa_enrolled", "account", str(account.id), detail={"factor": "totp"}
        )
        await self.uow.commit()
        txn.step, txn.amr = "enrolled", [*txn.amr[:1], AMR_OTP, AMR_MFA]
        return self._page("recovery", txn, codes=codes)

    async def _step_enrolled(self, txn: Txn, client: Client, form: dict[str, str]) -> Response:
        account = await self._account(txn)
        if account is None:
            return self._message(txn.lang, "oidc.expired", status=400)
        return await self._finish(txn, client, account)

    async def _step_consent(self, txn: Txn, client: Client, form: dict[str, str]) -> Response:
        if form.get("decision") != "allow":
            return self._redirect_error(txn.query, "access_denied")
        assert txn.account is not None
        account_id = uuid.UUID(txn.account)
        row = await self.uow.session.get(Consent, (account_id, client.row.client_id))
        wanted = scope_to_list(client.get_allowed_scope(txn.query.get("scope"))) or []
        if row is None:
            row = Consent(account_id=account_id, client_id=client.row.client_id, scopes=[])
            self.uow.session.add(row)
        row.scopes = sorted(set(row.scopes) | set(wanted))
        row.granted_at = datetime.now(UTC)
        await self.uow.audit(
            self.who,
            "oidc.consent",
            "oidc_client",
            client.row.client_id,
            detail={"account": txn.account, "scopes": " ".join(wanted)},
        )
        return await self._issue_code(txn)

    # finishing -----------------------------------------------------------------------
    async def _finish(self, txn: Txn, client: Client, account: Account) -> Response:
        """The person is signed in: a browser session, then consent or the code."""
        sso, secret = await sessions.start(
            self.uow, account.id, txn.amr, self.settings.sso_session_ttl_seconds
        )
        await self.auth.audit_login(
            self.uow,
            account,
            self.who,
            grant="authorization_code",
            client=client.row.client_id,
            amr=" ".join(txn.amr),
        )
        await self.uow.commit()
        txn.sso, txn.auth_time = str(sso.id), int(sso.auth_time.timestamp())
        self.cookies.append((SSO_COOKIE, secret, self.settings.sso_session_ttl_seconds))
        return await self._decide(txn, client)

    async def _decide(self, txn: Txn, client: Client) -> Response:
        if not client.row.first_party:
            assert txn.account is not None
            row = await self.uow.session.get(
                Consent, (uuid.UUID(txn.account), client.row.client_id)
            )
            wanted = set(scope_to_list(client.get_allowed_scope(txn.query.get("scope"))) or [])
            if row is None or not wanted <= set(row.scopes):
                if "none" in (txn.query.get("prompt") or "").split():
                    return self._redirect_error(txn.query, "consent_required")
                txn.step = "consent"
                return self._page("consent", txn, client=client, scopes=sorted(wanted))
        return await self._issue_code(txn)

    async def _issue_code(self, txn: Txn) -> Response:
        assert txn.account is not None and txn.auth_time is not None
        account = await self._account(txn)
        if account is None or account.status != "active":
            return self._message(txn.lang, "auth.account_disabled", status=403)
        grants = list(
            await self.uow.session.scalars(select(Grant).where(Grant.account_id == account.id))
        )
        user = User(
            account,
            grants,
            datetime.fromtimestamp(txn.auth_time, UTC),
            list(txn.amr),
            uuid.UUID(txn.sso) if txn.sso else None,
        )
        request = self._oauth_request(txn.query)

        def step() -> Any:
            grant = self.server.get_consent_grant(request, end_user=user)
            return self.server.create_authorization_response(request, grant_user=user, grant=grant)

        try:
            _status, _, headers = await self.server.run(step, request)
        except OAuth2Error as error:  # the client changed since the request was checked
            return self._oauth_error(error, txn.lang)
        await self.uow.commit()
        location = dict(headers).get("Location", "")
        return self._with_cookies(RedirectResponse(location, status_code=302))

    # helpers -------------------------------------------------------------------------
    async def _validate(self, query: dict[str, str], lang: str) -> Client | Response:
        """The client of a valid authorization request, or the answer to a bad one: a
        redirect with the error when the redirect URI is the client's, else a page."""
        if not printable(query.get("client_id", "")):  # not a client_id (RFC 6749 A.1)
            return self._message(lang, "oidc.invalid_request", status=400)
        request = self._oauth_request(query)
        try:
            grant = await self.server.run(lambda: self.server.get_consent_grant(request), request)
        except OAuth2Error as error:
            return self._oauth_error(error, lang)
        client: Client = grant.request.client
        return client

    def _oauth_error(self, error: OAuth2Error, lang: str) -> Response:
        """An error redirect when Authlib trusted the client's redirect URI, else a page
        (RFC 6749 4.1.2.1: never redirect to a URI that is not the client's own)."""
        if error.redirect_uri:
            _status, _, headers = error()
            location = dict(headers).get("Location")
            if location:
                return RedirectResponse(location, status_code=302)
        return self._message(lang, "oidc.invalid_request", status=400)

    def _oauth_request(self, query: dict[str, str]) -> Any:
        base = self.settings.public_base_url.rstrip("/")
        return make_request("GET", f"{base}{AUTHORIZE_PATH}?{urlencode(query)}", query, {})

    def _redirect_error(self, query: dict[str, str], error: str) -> Response:
        params = {"error": error}
        if query.get("state"):
            params["state"] = query["state"]
        uri = query.get("redirect_uri", "")
        separator = "&" if "?" in uri else "?"
        return RedirectResponse(f"{uri}{separator}{urlencode(params)}", status_code=302)

    async def _account(self, txn: Txn) -> Account | None:
        if txn.account is None:
            return None
        return await self.uow.session.get(Account, uuid.UUID(txn.account))

    def _address(self) -> str:
        return source_address(self.request)

    def _page(
        self,
        page: str,
        txn: Txn,
        *,
        client: Client | None = None,
        error: str | None = None,
        **context: Any,
    ) -> Response:
        text = pages.TEXT[txn.lang]
        other = "en" if txn.lang == "zh-CN" else "zh-CN"
        lang_url = f"{AUTHORIZE_PATH}?{urlencode({**txn.query, 'lang': other})}"
        name = ""
        if client is not None:
            name = (client.row.name_en or client.row.name) if txn.lang == "en" else client.row.name
        response = pages.render(
            page,
            txn.lang,
            txn=txn.seal(),
            action=AUTHORIZE_PATH,
            client_name=name,
            error=text.get(error, error) if error else None,
            lang_url=lang_url if page == "login" else None,
            sms_tab=self.sms is not None,
            **context,
        )
        self.cookies.append((CSRF_COOKIE, txn.csrf, self.settings.login_transaction_ttl_seconds))
        return self._with_cookies(response)

    def _message(self, lang: str, key: str, status: int = 200, **context: Any) -> Response:
        text = pages.TEXT[lang]
        return pages.render(
            "message", lang, status=status, heading=text["error_title"], message=text[key]
        )

    def _with_cookies(self, response: Response) -> Response:
        for name, value, max_age in self.cookies:
            response.set_cookie(
                name,
                value,
                max_age=max_age,
                path=COOKIE_PATH,
                secure=self.secure,
                httponly=True,
                samesite="lax",
            )
        return response
