"""OpenID Connect provider: discovery, the code flow with PKCE through Authlib's own client,
exact redirect URIs, consent, codes used once, userinfo, refresh, RP-initiated logout."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from conftest import running
from httpx import ASGITransport
from identity.config import Settings
from identity_kit import IdentityKit
from joserfc import jwt
from joserfc.jwk import KeySet
from oidc_kit import BASE, CALLBACK, post_form, query_of, register_client

from sc_devinfra.waiting import eventually


@pytest.fixture
async def oidc(make_settings: Callable[..., Settings]) -> AsyncIterator[IdentityKit]:
    settings = make_settings(
        jwt_issuer=BASE, public_base_url=BASE, mfa_enforce_required_roles=False
    )
    async with running(settings) as (app, _):
        from httpx import AsyncClient

        client = AsyncClient(transport=ASGITransport(app=app), base_url=BASE)
        kit = IdentityKit(app, client)
        await kit.load_demo()
        yield kit
        await client.aclose()


def rp(kit: IdentityKit, client_id: str, secret: str | None = None) -> AsyncOAuth2Client:
    """Authlib's OAuth 2 / OpenID client (not this project's code) over the app."""
    return AsyncOAuth2Client(
        client_id=client_id,
        client_secret=secret,
        token_endpoint_auth_method="client_secret_basic" if secret else "none",
        scope="openid profile roles",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        transport=ASGITransport(app=kit.app),
        base_url=BASE,
    )


async def test_discovery_and_keys_are_what_openid_clients_expect(oidc: IdentityKit) -> None:
    meta = (await oidc.client.get("/.well-known/openid-configuration")).json()
    assert meta["issuer"] == BASE
    assert meta["authorization_endpoint"] == f"{BASE}/oauth2/authorize"
    assert meta["token_endpoint"] == f"{BASE}/api/v1/auth/token"
    assert meta["userinfo_endpoint"] == f"{BASE}/oauth2/userinfo"
    assert meta["end_session_endpoint"] == f"{BASE}/oauth2/logout"
    assert meta["id_token_signing_alg_values_supported"][0] == "RS256"
    assert "EdDSA" in meta["id_token_signing_alg_values_supported"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    keys = (await oidc.client.get("/.well-known/jwks.json")).json()["keys"]
    assert {(k["kty"], k["alg"]) for k in keys} == {("RSA", "RS256"), ("OKP", "EdDSA")}


async def login_page(kit: IdentityKit, url: str):  # type: ignore[no-untyped-def]
    page = await kit.client.get(url.removeprefix(BASE))
    assert page.status_code == 200, page.text
    return page


async def test_code_flow_with_pkce_userinfo_refresh_and_logout(oidc: IdentityKit) -> None:
    admin = await oidc.auth("platform_admin")
    await register_client(
        oidc.client,
        admin,
        client_id="street-office",
        public=True,
        first_party=True,
        post_logout_redirect_uris=["http://127.0.0.1:9/bye"],
    )
    async with rp(oidc, "street-office") as client:
        meta = (
            await client.request("GET", "/.well-known/openid-configuration", withhold_token=True)
        ).json()
        verifier = "v" * 20 + "erifier-" + "x" * 30
        url, state = client.create_authorization_url(
            meta["authorization_endpoint"], code_verifier=verifier, nonce="n-0S6_WzA2Mj"
        )
        page = await login_page(oidc, url)
        assert "登录" in page.text and 'lang="zh-CN"' in page.text
        wrong = await post_form(oidc.client, page, username="resident", password="nope-nope")
        assert wrong.status_code == 200 and "用户名或密码错误" in wrong.text
        done = await post_form(oidc.client, wrong, username="resident", password=oidc_pw())
        assert done.status_code == 302
        back = query_of(done.headers["location"])
        assert back["state"] == state and done.headers["location"].startswith(CALLBACK)
        token = await client.fetch_token(
            meta["token_endpoint"], code=back["code"], code_verifier=verifier
        )
        jwks = KeySet.import_key_set(
            (await client.request("GET", meta["jwks_uri"], withhold_token=True)).json()
        )
        claims = jwt.decode(token["id_token"], jwks, algorithms=["RS256"]).claims
        jwt.JWTClaimsRegistry(iss={"essential": True, "value": BASE}).validate(claims)
        assert claims["iss"] == BASE and claims["aud"] == ["street-office"]
        assert claims["nonce"] == "n-0S6_WzA2Mj" and claims["preferred_username"] == "resident"
        assert claims["roles"] == ["resident"] and claims["amr"] == ["pwd"]
        info = (await client.get(meta["userinfo_endpoint"])).json()
        assert info["sub"] == claims["sub"] and info["name"] == claims["name"]
        # the access token is the platform's: identity's own API takes it
        me = await oidc.client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"}
        )
        assert me.json()["roles"] == ["resident"]
        # the code is good once
        again = await oidc.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": back["code"],
                "client_id": "street-office",
                "redirect_uri": CALLBACK,
                "code_verifier": verifier,
            },
        )
        assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
        # ... and its reuse closed the chain it gave
        dead = await oidc.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": token["refresh_token"],
                "client_id": "street-office",
            },
        )
        assert dead.status_code == 401
        # ... and its access tokens, at every verifier (issue 30.7): the revocation is
        # published with the tokens' sid, and identity's own verifier follows it
        sid = jwt.decode(token["access_token"], jwks, algorithms=["EdDSA"]).claims["sid"]
        rows = await oidc.sql(
            "SELECT payload FROM event_outbox "
            "WHERE headers->>'ce_type' = 'community.access.revoked.v1'"
        )
        published = [json.loads(bytes(r[0])) for r in rows]
        assert [(p["session_id"], p["reason"]) for p in published] == [(sid, "code_reuse")]

        async def refused() -> bool:
            me = await oidc.client.get(
                "/api/v1/me", headers={"Authorization": f"Bearer {token['access_token']}"}
            )
            return me.status_code == 401 and me.json()["code"] == "auth.token_revoked"

        await eventually(refused, timeout=120, what="the copied code's access token refused")

    # a fresh login (the browser session signs in without the password), then refresh
    async with rp(oidc, "street-office") as client:
        url, _ = client.create_authorization_url(f"{BASE}/oauth2/authorize", code_verifier=verifier)
        sso = await oidc.client.get(url.removeprefix(BASE), follow_redirects=False)
        assert sso.status_code == 302, sso.text
        token = await client.fetch_token(
            f"{BASE}/api/v1/auth/token",
            code=query_of(sso.headers["location"])["code"],
            code_verifier=verifier,
        )
        refreshed = await client.refresh_token(f"{BASE}/api/v1/auth/token")
        assert refreshed["refresh_token"] != token["refresh_token"]
        stolen = await oidc.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": refreshed["refresh_token"],
                "client_id": "another-app",
            },
        )
        assert stolen.status_code == 401 and stolen.json()["error"] == "invalid_client"
        out = await oidc.client.get(
            "/oauth2/logout",
            params={
                "id_token_hint": token["id_token"],
                "state": "s1",
                "post_logout_redirect_uri": "http://127.0.0.1:9/bye",
            },
            follow_redirects=False,
        )
        assert (
            out.status_code == 302 and out.headers["location"] == "http://127.0.0.1:9/bye?state=s1"
        )
        gone = await oidc.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": refreshed["refresh_token"],
                "client_id": "street-office",
            },
        )
        assert gone.status_code == 401
        # the browser session ended too: the next authorization shows the login page
        url, _ = client.create_authorization_url(f"{BASE}/oauth2/authorize", code_verifier=verifier)
        assert (
            await oidc.client.get(url.removeprefix(BASE), follow_redirects=False)
        ).status_code == 200


def oidc_pw() -> str:
    from identity_kit import PASSWORD

    return PASSWORD


async def test_the_console_signs_in_by_the_code_flow_with_no_manual_registration(
    oidc: IdentityKit,
) -> None:
    """identity registers the web console (a first-party public client on its own
    PUBLIC_BASE_URL) when it starts: a fresh deployment's console signs people in through
    the hosted page with PKCE, no consent page, and its refresh needs its client id."""
    console = AsyncOAuth2Client(
        client_id="console",
        token_endpoint_auth_method="none",
        scope="openid profile roles",
        redirect_uri=f"{BASE}/console/callback",
        code_challenge_method="S256",
        transport=ASGITransport(app=oidc.app),
        base_url=BASE,
    )
    async with console as client:
        verifier = "c" * 48
        url, state = client.create_authorization_url(
            f"{BASE}/oauth2/authorize", code_verifier=verifier
        )
        page = await login_page(oidc, url)
        done = await post_form(oidc.client, page, username="property_staff", password=oidc_pw())
        assert done.status_code == 302, done.text  # first party: no consent page
        back = query_of(done.headers["location"])
        assert done.headers["location"].startswith(f"{BASE}/console/callback")
        assert back["state"] == state
        token = await client.fetch_token(
            f"{BASE}/api/v1/auth/token", code=back["code"], code_verifier=verifier
        )
        assert token["id_token"] and token["refresh_token"]
        stolen = await oidc.client.post(
            "/api/v1/auth/token",
            json={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        )
        assert stolen.status_code == 401 and stolen.json()["code"] == "oauth.invalid_client"
        fresh = await oidc.client.post(
            "/api/v1/auth/token",
            json={
                "grant_type": "refresh_token",
                "refresh_token": token["refresh_token"],
                "client_id": "console",
            },
        )
        assert fresh.status_code == 200, fresh.text
    # the console's sign-out comes back to its sign-in page
    out = await oidc.client.get(
        "/oauth2/logout",
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": f"{BASE}/console/login",
        },
        follow_redirects=False,
    )
    assert out.status_code == 302 and out.headers["location"] == f"{BASE}/console/login"


async def test_redirect_uris_match_exactly_and_public_clients_need_s256(oidc: IdentityKit) -> None:
    admin = await oidc.auth("platform_admin")
    await register_client(oidc.client, admin, client_id="app", public=True, first_party=True)
    challenge = create_s256_code_challenge("a" * 50)
    base = {"response_type": "code", "client_id": "app", "scope": "openid", "state": "st"}
    for redirect in (CALLBACK + "/", CALLBACK + "?x=1", "http://127.0.0.1:9/callbackx"):
        page = await oidc.client.get(
            "/oauth2/authorize",
            params={
                **base,
                "redirect_uri": redirect,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
            follow_redirects=False,
        )
        assert page.status_code == 400 and "无效" in page.text  # never redirected
    for extra in ({}, {"code_challenge": "a" * 50, "code_challenge_method": "plain"}):
        refused = await oidc.client.get(
            "/oauth2/authorize",
            params={**base, "redirect_uri": CALLBACK, **extra},
            follow_redirects=False,
        )
        assert refused.status_code == 302
        assert query_of(refused.headers["location"])["error"] == "invalid_request"
    bad = await oidc.client.post(
        "/api/v1/oidc/clients",
        headers=admin,
        json={"name": "x", "redirect_uris": ["http://partner.example.com/cb"]},
    )
    assert bad.status_code == 422


async def test_input_authlib_cannot_echo_gets_the_protocols_error_not_a_500(
    oidc: IdentityKit,
) -> None:
    """Authlib refuses to build an error whose description would carry characters RFC 6749
    forbids there (a quote, a backslash, non-ASCII); identity answers such requests as the
    protocol says: a redirect to a trusted redirect URI, else a page, else problem+json."""
    admin = await oidc.auth("platform_admin")
    await register_client(oidc.client, admin, client_id="app", public=True, first_party=True)
    odd = 'code"\\码'
    base = {"client_id": "app", "redirect_uri": CALLBACK, "state": "st", "scope": "openid"}
    redirected = await oidc.client.get(
        "/oauth2/authorize", params={**base, "response_type": odd}, follow_redirects=False
    )
    assert redirected.status_code == 302
    assert redirected.headers["location"].startswith(CALLBACK + "?")
    answer = query_of(redirected.headers["location"])
    assert answer["error"] in ("invalid_request", "unsupported_response_type")
    assert answer["state"] == "st"
    for params in (
        {**base, "client_id": "nobody", "response_type": odd},
        {**base, "redirect_uri": CALLBACK + '"x', "response_type": "code"},
        {**base, "client_id": "app\x00", "response_type": odd},
    ):
        page = await oidc.client.get("/oauth2/authorize", params=params, follow_redirects=False)
        assert page.status_code == 400 and "无效" in page.text, params  # never redirected
    token = await oidc.client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": "app",
            "code": odd,
            "redirect_uri": CALLBACK + '"\\',
            "code_verifier": odd * 10,
        },
    )
    assert token.status_code == 400
    assert token.headers["content-type"].startswith("application/problem+json")
    assert token.json()["code"].startswith("oauth.invalid_")
    logout = await oidc.client.get(
        "/oauth2/logout", params={"id_token_hint": odd, "post_logout_redirect_uri": odd}
    )
    assert logout.status_code == 400 and "无效" in logout.text
    bad_uri = await oidc.client.post(
        "/api/v1/oidc/clients",
        headers=admin,
        json={"name": "x", "redirect_uris": [CALLBACK + '"x']},
    )
    assert bad_uri.status_code == 422


async def test_a_third_party_client_asks_consent_once(oidc: IdentityKit) -> None:
    admin = await oidc.auth("platform_admin")
    created = await register_client(oidc.client, admin, client_id="erp", name="物业ERP")
    secret = created["client_secret"]
    assert secret and created["public"] is False
    async with rp(oidc, "erp", secret) as client:
        url, _ = client.create_authorization_url(f"{BASE}/oauth2/authorize")
        page = await login_page(oidc, url)
        consent = await post_form(oidc.client, page, username="tenant", password=oidc_pw())
        assert (
            consent.status_code == 200 and "授权确认" in consent.text and "物业ERP" in consent.text
        )
        denied = await post_form(oidc.client, consent, decision="deny")
        assert query_of(denied.headers["location"])["error"] == "access_denied"
        url, _ = client.create_authorization_url(f"{BASE}/oauth2/authorize")
        consent = await oidc.client.get(url.removeprefix(BASE))  # browser session: no password
        allowed = await post_form(oidc.client, consent, decision="allow")
        code = query_of(allowed.headers["location"])["code"]
        token = await client.fetch_token(f"{BASE}/api/v1/auth/token", code=code)
        assert token["id_token"] and token["scope"] == "openid profile roles"
        url, _ = client.create_authorization_url(f"{BASE}/oauth2/authorize")
        again = await oidc.client.get(url.removeprefix(BASE), follow_redirects=False)
        assert again.status_code == 302  # consent remembered
    async with rp(oidc, "erp", "wrong-secret") as client:
        url, _ = client.create_authorization_url(f"{BASE}/oauth2/authorize")
        got = await oidc.client.get(url.removeprefix(BASE), follow_redirects=False)
        refused = await oidc.client.post(
            "/api/v1/auth/token",
            auth=("erp", "wrong-secret"),
            data={
                "grant_type": "authorization_code",
                "redirect_uri": CALLBACK,
                "code": query_of(got.headers["location"])["code"],
            },
        )
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
