"""The hosted login page's SMS tab (验证码登录): a resident opens the tab, asks for a code
(获取验证码), types the six digits and is sent back to the client with a code, through
Authlib's own client; the ID token says how she signed in (``amr`` ``sms``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest
from authlib.integrations.httpx_client import AsyncOAuth2Client
from conftest import running
from httpx import ASGITransport, AsyncClient
from identity.config import Settings
from identity_kit import IdentityKit
from joserfc import jwt
from joserfc.jwk import KeySet
from oidc_kit import BASE, CALLBACK, post_form, query_of, register_client


@pytest.fixture
async def oidc(make_settings: Callable[..., Settings]) -> AsyncIterator[IdentityKit]:
    settings = make_settings(jwt_issuer=BASE, public_base_url=BASE)
    async with running(settings) as (app, _):
        client = AsyncClient(transport=ASGITransport(app=app), base_url=BASE)
        kit = IdentityKit(app, client)
        await kit.load_demo()
        yield kit
        await client.aclose()


async def test_a_resident_signs_in_on_the_hosted_page_with_an_sms_code(
    oidc: IdentityKit,
) -> None:
    code = await oidc.sms_code("13988889999", "signup")
    signed_up = await oidc.client.post(
        "/api/v1/signup",
        json={
            "mobile": "13988889999",
            "password": "hosted-2026",
            "display_name": "冯雪",
            "sms_code": code,
        },
    )
    assert signed_up.status_code == 201, signed_up.text
    oidc.app.state.usecases.sms.clock = lambda: datetime.now(UTC) + timedelta(minutes=2)
    await register_client(
        oidc.client,
        await oidc.auth("platform_admin"),
        client_id="resident-web",
        public=True,
        first_party=True,
    )
    rp = AsyncOAuth2Client(
        client_id="resident-web",
        token_endpoint_auth_method="none",
        scope="openid profile",
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        transport=ASGITransport(app=oidc.app),
        base_url=BASE,
    )
    async with rp:
        verifier = "s" * 50
        url, state = rp.create_authorization_url(
            f"{BASE}/oauth2/authorize", code_verifier=verifier, nonce="n-sms"
        )
        page = await oidc.client.get(url.removeprefix(BASE))
        assert page.status_code == 200 and "验证码登录" in page.text
        tab = await post_form(oidc.client, page, mode="sms")
        assert tab.status_code == 200 and "获取验证码" in tab.text and 'name="mobile"' in tab.text

        bad = await post_form(oidc.client, tab, mobile="12345", send="1")
        assert "请输入 11 位中国大陆手机号" in bad.text
        sent = await post_form(oidc.client, bad, mobile="139 8888 9999", send="1")
        assert sent.status_code == 200 and "验证码已发送" in sent.text
        again = await post_form(oidc.client, sent, mobile="13988889999", send="1")
        assert "请 1 分钟后再重新获取" in again.text  # a minute between codes
        wrong = await post_form(oidc.client, again, mobile="13988889999", code="000000")
        assert wrong.status_code == 200 and "验证码不正确或已失效" in wrong.text

        sms = await oidc.last_sms_code("13988889999")
        done = await post_form(oidc.client, wrong, mobile="13988889999", code=sms)
        assert done.status_code == 302, done.text
        back = query_of(done.headers["location"])
        assert back["state"] == state
        token = await rp.fetch_token(
            f"{BASE}/api/v1/auth/token", code=back["code"], code_verifier=verifier
        )
        keys = KeySet.import_key_set((await oidc.client.get("/.well-known/jwks.json")).json())
        claims = jwt.decode(token["id_token"], keys, algorithms=["RS256"]).claims
        assert claims["amr"] == ["sms"] and claims["sub"] == str(signed_up.json()["id"])
        assert claims["name"] == "冯雪"

        # the tab leads back to the password
        oidc.client.cookies.clear()  # a browser without the session just made
        url, _ = rp.create_authorization_url(
            f"{BASE}/oauth2/authorize", code_verifier=verifier, nonce="n-sms-2"
        )
        page = await oidc.client.get(url.removeprefix(BASE))
        tab = await post_form(oidc.client, page, mode="sms")
        back_to_password = await post_form(oidc.client, tab, mode="password")
        assert 'name="password"' in back_to_password.text
