"""The hosted login page's SMS tab (验证码登录) in a real browser (Debian's Chromium driven
by Playwright), against the stack `make run` starts, through its gateway: a resident with
a mobile number opens the tab, asks for a code, reads it where a developer does (the
development SMS sink), types it and arrives back at the client with a code; Authlib's own
client exchanges it with PKCE and the ID token says ``amr`` ``sms``. Every wait is a
Playwright expectation; nothing sleeps."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from authlib.integrations.httpx_client import OAuth2Client
from conftest import SLOW
from joserfc import jwt
from joserfc.jwk import KeySet
from playwright.sync_api import Browser, Page, Request, expect

CLIENT = "console"  # registered by identity: public, first party, PKCE required


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    try:
        yield context.new_page()
    finally:
        context.close()


def _to(url: str) -> Callable[[Request], bool]:
    return lambda request: request.url.split("?")[0] == url


def test_sign_in_with_an_sms_code_on_the_hosted_page(
    gateway_url: str, page: Page, login: Callable[[str], dict[str, str]]
) -> None:
    admin = login("platform_admin")
    mobile = f"139{secrets.randbelow(10**8):08d}"
    created = httpx.post(
        f"{gateway_url}/api/v1/accounts",
        headers=admin,
        timeout=30,
        json={
            "username": f"sms-{uuid.uuid4().hex[:8]}",
            "display_name": "短信登录住户",
            "password": secrets.token_urlsafe(16),
            "mobile": mobile,
        },
    )
    assert created.status_code == 201, created.text

    meta: dict[str, Any] = httpx.get(
        f"{gateway_url}/.well-known/openid-configuration", timeout=30
    ).json()
    callback = f"{gateway_url}/console/callback"
    client = OAuth2Client(
        client_id=CLIENT,
        token_endpoint_auth_method="none",
        scope="openid profile",
        redirect_uri=callback,
        code_challenge_method="S256",
        timeout=30,
    )
    verifier = secrets.token_urlsafe(48)
    url, state = client.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=verifier, prompt="login"
    )

    page.goto(url)
    page.get_by_test_id("sms-tab").click()
    expect(page.get_by_test_id("send-code")).to_have_text("获取验证码")
    page.get_by_test_id("mobile").fill(mobile)
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("sent")).to_be_visible(timeout=SLOW)

    sink = httpx.get(
        f"{gateway_url}/api/v1/dev/sms-sink",
        headers=admin,
        params={"phone": mobile},
        timeout=30,
    )
    assert sink.status_code == 200, sink.text
    text = sink.json()["items"][0]["body"]
    found = re.fullmatch(r"【智慧社区】验证码 (\d{6})，5分钟内有效，请勿告诉他人。", text)
    assert found, text

    page.get_by_test_id("code").fill(found.group(1))
    with page.expect_request(_to(callback), timeout=SLOW) as arrived:
        page.get_by_test_id("login").click()
    token = client.fetch_token(
        meta["token_endpoint"],
        authorization_response=arrived.value.url,
        state=state,
        code_verifier=verifier,
    )
    keys = KeySet.import_key_set(httpx.get(meta["jwks_uri"], timeout=30).json())
    claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
    assert claims["amr"] == ["sms"] and claims["sub"] == created.json()["id"]
    me = client.get(f"{gateway_url}/api/v1/me")
    assert me.status_code == 200 and me.json()["name"] == "短信登录住户"
