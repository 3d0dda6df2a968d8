"""Logging in: passwords, mobiles, client credentials, the claims, and login throttling
(progressive delays, never a lockout)."""

from __future__ import annotations

import base64
import math
import re
import time
from collections.abc import Callable
from typing import Any

import jwt
from conftest import running
from httpx import AsyncClient
from identity.config import Settings
from identity_kit import INTEGRATOR_SECRET, PASSWORD, IdentityKit

from sc_core.auth import Grant, Principal, parse_jwks


async def claims_of(client: AsyncClient, token: str) -> dict[str, object]:
    """Verify like any other service would: against the published JWKS."""
    keys = parse_jwks((await client.get("/.well-known/jwks.json")).json())
    key = keys[jwt.get_unverified_header(token)["kid"]]
    return jwt.decode(
        token,
        key.key,
        algorithms=["EdDSA"],
        audience="smart-community",
        issuer="smart-community-identity",
    )


async def test_password_login_gives_eddsa_tokens_with_the_principal_claims(
    kit: IdentityKit,
) -> None:
    response = await kit.login("grid_worker")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 900
    assert body["refresh_token"] and body["refresh_token"] != body["access_token"]
    header = jwt.get_unverified_header(body["access_token"])
    assert header["alg"] == "EdDSA" and header["kid"]
    claims = await claims_of(kit.client, body["access_token"])
    assert claims["exp"] - claims["iat"] == 900 and claims["jti"]  # type: ignore[operator]
    principal = Principal.from_claims(claims)
    assert principal.subject == str(kit.ids["account:grid_worker"])
    # the name people read: the demo account's display name, not its login
    assert principal.kind == "user" and principal.name == "吴秀英（第1网格网格员）"
    assert principal.roles == {"grid_worker"}
    assert principal.grants == (Grant("grid_worker", "grid", str(kit.ids["grid1"])),)


async def test_form_login_and_login_by_mobile(kit: IdentityKit) -> None:
    created = await kit.as_(
        "platform_admin",
        "POST",
        "/api/v1/accounts",
        json={
            "username": "zhao.lei",
            "display_name": "赵磊",
            "password": "s3cret-pass",
            "mobile": "13900001111",
        },
    )
    assert created.status_code == 201, created.text
    form = {"grant_type": "password", "username": "+86 139-0000-1111", "password": "s3cret-pass"}
    response = await kit.client.post("/api/v1/auth/token", data=form)
    assert response.status_code == 200, response.text
    claims = await claims_of(kit.client, response.json()["access_token"])
    assert claims["sub"] == created.json()["id"] and claims["preferred_username"] == "zhao.lei"


async def test_wrong_or_unknown_credentials_look_the_same(kit: IdentityKit) -> None:
    for username, password in (("resident", "wrong-password"), ("nobody", PASSWORD)):
        response = await kit.login(username, password)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "auth.invalid_credentials"
    missing = await kit.client.post("/api/v1/auth/token", json={"username": "resident"})
    assert missing.status_code == 400 and missing.json()["code"] == "auth.invalid_request"
    odd = await kit.client.post(
        "/api/v1/auth/token", content=b"x", headers={"content-type": "text/plain"}
    )
    assert odd.status_code == 415


async def test_client_credentials_for_integrators(kit: IdentityKit) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": "integrator",
        "client_secret": INTEGRATOR_SECRET,
    }
    # the integrator's secret is its own, never the demo password (issue 30.14)
    shared = {**form, "client_secret": PASSWORD}
    assert (await kit.client.post("/api/v1/auth/token", data=shared)).status_code == 401
    response = await kit.client.post("/api/v1/auth/token", data=form)
    assert response.status_code == 200, response.text
    assert response.json()["refresh_token"] is None
    assert (await claims_of(kit.client, response.json()["access_token"]))["kind"] == "service"
    basic = base64.b64encode(f"integrator:{INTEGRATOR_SECRET}".encode()).decode()
    response = await kit.client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200, response.text
    # a service account never logs in with the password grant, a person never as a client
    assert (await kit.login("integrator")).status_code == 401
    form = {"grant_type": "client_credentials", "client_id": "resident", "client_secret": PASSWORD}
    assert (await kit.client.post("/api/v1/auth/token", data=form)).status_code == 401
    created = await kit.as_(
        "platform_admin",
        "POST",
        "/api/v1/service-accounts",
        json={
            "client_id": "city-platform",
            "display_name": "市级平台",
            "grants": [
                {
                    "role": "integrator",
                    "scope_type": "community",
                    "scope_id": str(kit.ids["community"]),
                }
            ],
        },
    )
    assert created.status_code == 201, created.text
    secret = created.json()["client_secret"]
    form = {
        "grant_type": "client_credentials",
        "client_id": "city-platform",
        "client_secret": secret,
    }
    token = (await kit.client.post("/api/v1/auth/token", data=form)).json()["access_token"]
    me = await kit.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["roles"] == ["integrator"] and me.json()["kind"] == "service"


async def _login(client: AsyncClient, user: str, password: str, address: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = await client.post(
        "/api/v1/auth/token",
        json={"username": user, "password": password},
        headers={"X-Forwarded-For": f"198.51.100.1, {address}"},
    )
    return response.status_code, {**response.json(), "retry": response.headers.get("retry-after")}


def _waits(body: dict[str, Any], delay: int, *, since: float) -> bool:
    """Retry-After is the policy's delay less the seconds gone by since the failures began:
    no more than the delay, and no less than what the test's own run time (on a loaded
    machine, many seconds) can explain."""
    retry = int(body["retry"])
    return delay - math.ceil(time.monotonic() - since) - 1 <= retry <= delay


async def test_guessing_delays_the_name_but_never_locks_its_owner_out(
    make_settings: Callable[..., Settings],
) -> None:
    """Issue 30 (6): an anonymous caller guessing a staff account's password makes further
    attempts on that name wait (doubling), whatever address they claim; the owner signing
    in from an address they used before is not held back; an unknown name is answered
    exactly like a known one, so the answers never tell which accounts exist."""
    settings = make_settings(
        login_max_failures=3, login_delay_base_seconds=600, login_delay_max_seconds=900
    )
    async with running(settings) as (app, client):
        kit = IdentityKit(app, client)
        await kit.load_demo()
        assert (await _login(client, "doctor", PASSWORD, "192.0.2.50"))[0] == 200  # at work
        attacker = "203.0.113.66"
        answers = {}
        for name in ("doctor", "nobody-at-all"):
            started = time.monotonic()
            for _ in range(3):
                status, body = await _login(client, name, "bad-guess", attacker)
                assert status == 401 and body["code"] == "auth.invalid_credentials"
            status, body = await _login(client, name, PASSWORD, attacker)
            assert status == 429 and body["code"] == "auth.too_many_attempts"
            assert _waits(body, 600, since=started)
            answers[name] = {k: v for k, v in body.items() if k not in ("retry", "detail",
                             "retry_after", "instance", "request_id", "messages")}  # fmt: skip
            # the sentences say the same apart from the seconds left (which tick on)
            answers[name]["messages"] = {
                lang: re.sub(r"\d+", "N", text) for lang, text in body["messages"].items()
            }
            assert body["messages"]["zh-CN"] == f"登录失败次数过多，请 {body['retry']} 秒后再试"
        assert answers["doctor"] == answers["nobody-at-all"]
        # hammering does not lengthen the wait, and never turns into a lockout
        for _ in range(5):
            assert (await _login(client, "doctor", "bad-guess", attacker))[0] == 429
        # the owner at the address they signed in from before: not held back
        status, body = await _login(client, "doctor", PASSWORD, "192.0.2.50")
        assert status == 200, body
        # from a new address the name waits (a delay, capped), until an admin lifts it
        # (which forgot the name's failures: a new address is fine again)
        assert (await _login(client, "doctor", PASSWORD, "192.0.2.77"))[0] == 200
        started = time.monotonic()
        for _ in range(3):  # another round, from another address
            assert (await _login(client, "doctor", "bad-guess", "203.0.113.67"))[0] == 401
        status, body = await _login(client, "doctor", PASSWORD, "192.0.2.78")
        assert status == 429 and _waits(body, 600, since=started)
        account = kit.ids["account:doctor"]
        unlock = await kit.as_("community_admin", "POST", f"/api/v1/accounts/{account}/unlock")
        assert unlock.status_code == 200
        assert (await _login(client, "doctor", PASSWORD, "192.0.2.78"))[0] == 200


async def test_an_address_that_keeps_failing_waits_with_retry_after(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(login_address_max_failures=4, login_delay_base_seconds=60)
    async with running(settings) as (app, client):
        await IdentityKit(app, client).load_demo()
        sprayer = "203.0.113.9"
        started = time.monotonic()
        # a resident who signed in from that address (a shared NAT) before the spraying
        assert (await _login(client, "resident", PASSWORD, sprayer))[0] == 200
        for user in ("police", "doctor", "merchant", "volunteer"):  # spraying accounts
            assert (await _login(client, user, "guess", sprayer))[0] == 401
        status, body = await _login(client, "grid_worker", PASSWORD, sprayer)
        assert status == 429 and body["code"] == "auth.too_many_attempts"
        assert _waits(body, 60, since=started)
        assert (await _login(client, "grid_worker", PASSWORD, "203.0.113.10"))[0] == 200
        # the resident who used that address before is not held back by the sprayer
        assert (await _login(client, "resident", PASSWORD, sprayer))[0] == 200
        # no account was locked by the spraying
        assert (await _login(client, "police", PASSWORD, "203.0.113.11"))[0] == 200
