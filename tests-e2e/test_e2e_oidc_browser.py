"""Signing in through the OpenID Connect code flow in a real browser (Debian's Chromium driven
by Playwright), against the stack `make run` starts, through its gateway.

Authlib's own client (not this project's code) plays the relying party, as the demo's
public first-party client ``console``: it discovers the provider, sends the browser to the
hosted login page (zh-CN first, switchable to English), where property staff sign in; it
exchanges the code with PKCE (S256), verifies the ID token against the JWKS, calls
userinfo, refreshes, and logs out through the end-session endpoint, after which the
browser's single sign-on is gone. Every wait is a Playwright expectation; nothing sleeps.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from conftest import DEMO_PASSWORD, SLOW
from joserfc import jwt
from joserfc.jwk import KeySet
from playwright.sync_api import Browser, Page, Request, expect

CLIENT = "console"  # registered by the demo: public, first party, PKCE required


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        yield context.new_page()
    finally:
        context.close()


def _to(url: str) -> Callable[[Request], bool]:
    """A request of the browser to ``url`` (the client's own page), redirects included:
    where the code, or the end of the logout, arrives."""
    return lambda request: request.url.split("?")[0] == url


def test_code_flow_in_a_browser_with_authlibs_client(gateway_url: str, page: Page) -> None:
    meta: dict[str, Any] = httpx.get(
        f"{gateway_url}/.well-known/openid-configuration", timeout=30
    ).json()
    assert meta["issuer"] == gateway_url
    callback = f"{gateway_url}/console/callback"
    after_logout = f"{gateway_url}/console/login"
    client = OAuth2Client(
        client_id=CLIENT,
        token_endpoint_auth_method="none",
        scope="openid profile roles",
        redirect_uri=callback,
        code_challenge_method="S256",
        timeout=30,
    )
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = client.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )

    # the hosted page: zh-CN first, English one click away, the choice kept
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading")).to_have_text("智慧社区 统一登录")
    expect(page.locator(".client")).to_have_text("智慧社区管理后台")
    page.get_by_test_id("lang").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("login")).to_have_text("Sign in")
    page.get_by_test_id("username").fill("property_staff")
    page.get_by_test_id("password").fill("not-the-password")
    page.get_by_test_id("login").click()
    expect(page.get_by_test_id("error")).to_be_visible()
    expect(page.get_by_test_id("username")).to_have_value("property_staff")
    page.get_by_test_id("password").fill(DEMO_PASSWORD)
    with page.expect_request(_to(callback), timeout=SLOW) as arrived:
        page.get_by_test_id("login").click()
    back = arrived.value.url

    token = client.fetch_token(
        meta["token_endpoint"], authorization_response=back, state=state, code_verifier=verifier
    )
    assert token["token_type"].lower() == "bearer"
    keys = KeySet.import_key_set(httpx.get(meta["jwks_uri"], timeout=30).json())
    claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": gateway_url},
        nonce={"essential": True, "value": nonce},
    ).validate(claims)
    assert claims["aud"] == [CLIENT] and claims["preferred_username"] == "property_staff"
    assert "property_staff" in claims["roles"] and claims["amr"] == ["pwd"]

    info = client.get(meta["userinfo_endpoint"]).json()
    assert info["sub"] == claims["sub"] and info["preferred_username"] == "property_staff"
    me = client.get(f"{gateway_url}/api/v1/me")  # the platform's own API takes the token
    assert me.status_code == 200 and "property_staff" in me.json()["roles"]

    refreshed = client.refresh_token(meta["token_endpoint"])
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert client.get(meta["userinfo_endpoint"]).json()["sub"] == claims["sub"]

    # the browser's session signs the next authorization in without the password
    url2, _ = client.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier
    )
    with page.expect_request(_to(callback), timeout=SLOW) as again:
        page.goto(url2)
    assert "code=" in again.value.url and again.value.url != back

    # RP-initiated logout: back to the client, its refresh chain and the session gone
    logout = {
        "id_token_hint": token["id_token"],
        "post_logout_redirect_uri": after_logout,
        "state": "bye",
    }
    with page.expect_request(_to(after_logout), timeout=SLOW) as out:
        page.goto(f"{meta['end_session_endpoint']}?{urlencode(logout)}")
    assert out.value.url == f"{after_logout}?state=bye"
    dead = httpx.post(
        meta["token_endpoint"],
        data={
            "grant_type": "refresh_token",
            "refresh_token": refreshed["refresh_token"],
            "client_id": CLIENT,
        },
        timeout=30,
    )
    assert dead.status_code == 401
    page.goto(url2)
    expect(page.get_by_test_id("password")).to_be_visible()
