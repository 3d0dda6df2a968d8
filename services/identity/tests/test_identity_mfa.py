"""Two-factor authentication: a platform admin must enrol a TOTP authenticator on the
hosted login page before signing in, and is refused without the second factor after."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from conftest import running
from httpx import ASGITransport, AsyncClient
from identity.config import Settings
from identity_kit import PASSWORD, IdentityKit
from joserfc import jwt
from joserfc.jwk import KeySet
from oidc_kit import BASE, CALLBACK, post_form, query_of, register_client


@pytest.fixture
async def strict(make_settings: Callable[..., Settings]) -> AsyncIterator[IdentityKit]:
    settings = make_settings(jwt_issuer=BASE, public_base_url=BASE, mfa_enforce_required_roles=True)
    async with running(settings) as (app, _):
        client = AsyncClient(transport=ASGITransport(app=app), base_url=BASE)
        kit = IdentityKit(app, client)
        await kit.load_demo()
        yield kit
        await client.aclose()


def authorize_params(verifier: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": "console-test",
        "redirect_uri": CALLBACK,
        "scope": "openid profile roles",
        "state": "st",
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }


async def grant(kit: IdentityKit, **extra: str):  # type: ignore[no-untyped-def]
    return await kit.client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "password",
            "username": "platform_admin",
            "password": PASSWORD,
            **extra,
        },
    )


async def test_platform_admin_enrols_totp_and_is_refused_without_it(strict: IdentityKit) -> None:
    kit = strict
    await register_client(
        kit.client,
        await kit.auth("platform_admin"),
        client_id="console-test",
        public=True,
        first_party=True,
    )
    # no second factor yet: the password alone is refused, on the password grant too
    refused = await grant(kit)
    assert refused.status_code == 403 and refused.json()["code"] == "auth.mfa_enrolment_required"
    assert (await kit.login("resident")).status_code == 200  # optional for residents

    verifier = "m" * 50
    page = await kit.client.get("/oauth2/authorize", params=authorize_params(verifier))
    enrol = await post_form(kit.client, page, username="platform_admin", password=PASSWORD)
    assert enrol.status_code == 200 and "设置两步验证" in enrol.text
    secret = re.search(r'data-test="totp-secret">([A-Z2-7 ]+)<', enrol.text).group(1)  # type: ignore[union-attr]
    totp = pyotp.TOTP(secret.replace(" ", ""))
    assert "otpauth://totp/" in enrol.text
    wrong = await post_form(
        kit.client, enrol, code="000000" if totp.now() != "000000" else "111111"
    )
    assert "验证码不正确" in wrong.text
    confirmed = totp.now()
    codes_page = await post_form(kit.client, wrong, code=confirmed)
    assert "请保存恢复码" in codes_page.text
    codes = re.findall(r"<li>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</li>", codes_page.text)
    assert len(codes) == 10
    done = await post_form(kit.client, codes_page)
    back = query_of(done.headers["location"])
    token = (
        await kit.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": back["code"],
                "client_id": "console-test",
                "redirect_uri": CALLBACK,
                "code_verifier": verifier,
            },
        )
    ).json()
    keys = KeySet.import_key_set((await kit.client.get("/.well-known/jwks.json")).json())
    assert jwt.decode(token["id_token"], keys).claims["amr"] == ["pwd", "otp", "mfa"]

    # enrolled: the password grant needs the second factor, a used code is not taken again
    missing = await grant(kit)
    assert missing.status_code == 401 and missing.json()["code"] == "auth.mfa_required"
    replayed = await grant(kit, otp=confirmed)  # (totp.now() may be the next step by now)
    assert replayed.status_code == 401 and replayed.json()["code"] == "mfa.invalid_code"
    later = totp.at(datetime.now(UTC) + timedelta(seconds=30))  # the next step (drift allowed)
    assert (await grant(kit, otp=later)).status_code == 200
    assert (await grant(kit, otp=codes[0])).status_code == 200  # a recovery code, once
    assert (await grant(kit, otp=codes[0])).status_code == 401

    # the hosted page asks for the code after the password, in a fresh browser
    kit.client.cookies.clear()
    page = await kit.client.get("/oauth2/authorize", params=authorize_params(verifier))
    second = await post_form(kit.client, page, username="platform_admin", password=PASSWORD)
    assert second.status_code == 200 and "两步验证" in second.text
    bad = await post_form(kit.client, second, code=codes[0])  # used already
    assert "验证码不正确" in bad.text
    ok = await post_form(kit.client, bad, code=codes[1])
    assert ok.status_code == 302 and "code=" in ok.headers["location"]


async def _enrolled_with_mobile(kit: IdentityKit, mobile: str) -> pyotp.TOTP:
    """platform_admin with a confirmed TOTP authenticator and a mobile of record."""
    from identity.db.auth import Account
    from identity.mfa import factors
    from sqlalchemy import select

    from sc_core.privacy import get_cipher

    async with kit.db.uow() as uow:
        account = await uow.session.scalar(
            select(Account).where(Account.username == "platform_admin")
        )
        assert account is not None
        account.mobile = mobile
        account.mobile_idx = get_cipher().blind_index(mobile, "mobile")
        secret = await factors.start_totp(uow, account.id)
        assert await factors.confirm_totp(uow, account.id, pyotp.TOTP(secret).now())
        await uow.commit()
    return pyotp.TOTP(secret)


async def test_an_sms_code_to_the_account_s_mobile_is_the_second_option(
    strict: IdentityKit,
) -> None:
    """After a password, an SMS code sent to the account's own mobile (purpose mfa) stands
    in for the authenticator app; it is good once, and never after an SMS sign-in (the
    same phone twice is one factor)."""
    kit = strict
    await _enrolled_with_mobile(kit, "13700000009")
    missing = await grant(kit)
    assert missing.status_code == 401 and missing.json()["code"] == "auth.mfa_required"

    code = await kit.sms_code("13700000009", "mfa")
    wrong = await grant(kit, otp="000000" if code != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.json()["code"] == "mfa.invalid_code"
    ok = await grant(kit, otp=code)
    assert ok.status_code == 200, ok.text
    again = await grant(kit, otp=code)  # used up
    assert again.status_code == 401 and again.json()["code"] == "mfa.invalid_code"

    # an SMS sign-in of the same account cannot use an SMS code as its second step
    now = datetime.now(UTC)
    kit.app.state.usecases.sms.clock = lambda: now + timedelta(minutes=2)  # past the resend wait
    login_code = await kit.sms_code("13700000009", "login")
    kit.app.state.usecases.sms.clock = lambda: now + timedelta(minutes=4)
    mfa_code = await kit.sms_code("13700000009", "mfa")
    sms_login = await kit.client.post(
        "/api/v1/auth/sms-login",
        json={"phone": "13700000009", "code": login_code, "otp": mfa_code},
    )
    assert sms_login.status_code == 401, sms_login.text
    assert sms_login.json()["code"] == "mfa.invalid_code"


async def test_the_hosted_page_offers_the_sms_code_after_the_password(strict: IdentityKit) -> None:
    kit = strict
    await _enrolled_with_mobile(kit, "13700000008")
    await register_client(
        kit.client,
        await kit.auth("platform_admin"),
        client_id="console-test",
        public=True,
        first_party=True,
    )
    verifier = "s" * 50
    page = await kit.client.get("/oauth2/authorize", params=authorize_params(verifier))
    second = await post_form(kit.client, page, username="platform_admin", password=PASSWORD)
    assert second.status_code == 200 and 'data-test="send-sms"' in second.text
    sent = await post_form(kit.client, second, send="1", code="")
    assert 'data-test="sent"' in sent.text, sent.text
    code = await kit.last_sms_code("13700000008")
    done = await post_form(kit.client, sent, code=code)
    assert done.status_code == 302 and "code=" in done.headers["location"]
    back = query_of(done.headers["location"])
    token = (
        await kit.client.post(
            "/api/v1/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": back["code"],
                "client_id": "console-test",
                "redirect_uri": CALLBACK,
                "code_verifier": verifier,
            },
        )
    ).json()
    keys = KeySet.import_key_set((await kit.client.get("/.well-known/jwks.json")).json())
    assert jwt.decode(token["id_token"], keys).claims["amr"] == ["pwd", "sms", "mfa"]
