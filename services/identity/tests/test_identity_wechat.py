"""WeChat mini-program login (微信小程序登录, ADR 0034) against a WeChat speaking WeChat's
HTTP protocol over real HTTP on loopback (identity's simulator, as ``make run`` starts it):
``wx.login()`` codes exchanged at ``jscode2session``, the mobile number proven by the
``getPhoneNumber`` code (``getuserphonenumber`` with a cached ``stable_token``) or by an
SMS code, WeChat's errors answered in words."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import uvicorn
from conftest import running
from httpx import AsyncClient
from identity.config import Settings
from identity.wechat import simulator
from identity_kit import IdentityKit


@pytest.fixture
async def wechat() -> AsyncIterator[tuple[simulator.WeChatSimulator, str]]:
    sim = simulator.WeChatSimulator()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(sim.app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    async with asyncio.timeout(30):
        while not server.started:
            await asyncio.sleep(0.02)
    try:
        yield sim, f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture
async def kit(
    make_settings: Callable[..., Settings], wechat: tuple[simulator.WeChatSimulator, str]
) -> AsyncIterator[IdentityKit]:
    """identity with WeChat login in production mode, pointed at the simulator."""
    _, url = wechat
    settings = make_settings(
        wechat_login="production",
        wechat_api_base=url,
        wechat_appid=simulator.APPID,
        wechat_secret=simulator.SECRET,
    )
    async with running(settings) as (app, client):
        kit = IdentityKit(app, client)
        await kit.load_demo()
        yield kit


async def _wx_login(sim_url: str, user: str, **extra: Any) -> str:
    """What the mini-program's ``wx.login()`` gives: a code for ``user``."""
    async with AsyncClient() as phone:
        answer = await phone.post(f"{sim_url}/sim/login", json={"user": user, **extra})
    return str(answer.json()["code"])


async def _phone_code(sim_url: str, phone: str) -> str:
    """What the getPhoneNumber button gives once the user agrees to share ``phone``."""
    async with AsyncClient() as device:
        answer = await device.post(f"{sim_url}/sim/phone-code", json={"phone": phone})
    return str(answer.json()["code"])


def _subject(tokens: dict[str, Any]) -> str:
    return str(jwt.decode(tokens["access_token"], options={"verify_signature": False})["sub"])


async def test_a_first_login_with_the_phone_binds_an_account_and_the_next_signs_in(
    kit: IdentityKit, wechat: tuple[simulator.WeChatSimulator, str]
) -> None:
    sim, url = wechat
    first = await kit.client.post(
        "/api/v1/auth/wechat-login",
        json={
            "code": await _wx_login(url, "xiaoming", unionid=True),
            "phone_code": await _phone_code(url, "13977778888"),
        },
    )
    assert first.status_code == 200, first.text
    tokens = first.json()
    assert tokens["refresh_token"] and "session_key" not in first.text
    me = await kit.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200 and me.json()["name"] == "微信用户8888"
    account = _subject(tokens)

    second = await kit.client.post(
        "/api/v1/auth/wechat-login", json={"code": await _wx_login(url, "xiaoming")}
    )
    assert second.status_code == 200, second.text
    assert _subject(second.json()) == account
    # the account's mobile is the number WeChat proved: an SMS code signs it in too
    kit.app.state.usecases.sms.clock = lambda: datetime.now(UTC) + timedelta(minutes=2)
    code = await kit.sms_code("13977778888")
    by_sms = await kit.client.post(
        "/api/v1/auth/sms-login", json={"phone": "13977778888", "code": code}
    )
    assert by_sms.status_code == 200 and _subject(by_sms.json()) == account

    rows = await kit.sql("SELECT openid, unionid, account_id::text FROM wechat_identities")
    assert rows == [(sim.openid("xiaoming"), sim.unionid("xiaoming"), account)]
    assert sim.calls.count("stable_token") == 1  # the access token is kept until it expires
    actions = [a["action"] for a in await kit.audit_actions()]
    assert {"account.signup", "wechat.bind", "auth.login"} <= set(actions)


async def test_a_first_login_without_a_phone_asks_for_one_then_an_sms_code_binds(
    kit: IdentityKit, wechat: tuple[simulator.WeChatSimulator, str]
) -> None:
    _, url = wechat
    code = await kit.sms_code("13900001234", "signup")
    signed_up = await kit.client.post(
        "/api/v1/signup",
        json={
            "mobile": "13900001234",
            "password": "wechat-2026",
            "display_name": "郑华",
            "sms_code": code,
        },
    )
    assert signed_up.status_code == 201, signed_up.text

    bare = await kit.client.post(
        "/api/v1/auth/wechat-login", json={"code": await _wx_login(url, "zhenghua")}
    )
    assert bare.status_code == 401
    assert bare.headers["content-type"] == "application/problem+json"
    assert bare.json()["code"] == "wechat.phone_required"
    assert bare.json()["detail"].startswith("该微信尚未绑定账号")

    kit.app.state.usecases.sms.clock = lambda: datetime.now(UTC) + timedelta(minutes=2)
    proof = await kit.sms_code("13900001234", "wechat")
    bound = await kit.client.post(
        "/api/v1/auth/wechat-login",
        json={"code": await _wx_login(url, "zhenghua"), "phone": "13900001234", "sms_code": proof},
    )
    assert bound.status_code == 200, bound.text
    assert _subject(bound.json()) == str(signed_up.json()["id"])  # her own account


async def test_wechat_refusals_are_answered_in_words(
    kit: IdentityKit, wechat: tuple[simulator.WeChatSimulator, str]
) -> None:
    _, url = wechat
    invalid = await kit.client.post("/api/v1/auth/wechat-login", json={"code": "not-a-code"})
    assert invalid.status_code == 401
    assert invalid.headers["content-type"] == "application/problem+json"
    assert invalid.json()["code"] == "wechat.invalid_code"
    assert invalid.json()["errcode"] == 40029
    assert invalid.json()["detail"] == "微信登录凭证无效、已过期或已使用，请重新登录"
    english = await kit.client.post(
        "/api/v1/auth/wechat-login", json={"code": "not-a-code"}, headers={"Accept-Language": "en"}
    )
    assert english.json()["detail"].startswith("WeChat did not accept the login code")

    used = await _wx_login(url, "li", errcode=0)
    await kit.client.post("/api/v1/auth/wechat-login", json={"code": used})
    twice = await kit.client.post("/api/v1/auth/wechat-login", json={"code": used})
    assert (twice.status_code, twice.json()["errcode"]) == (401, 40163)

    limited = await kit.client.post(
        "/api/v1/auth/wechat-login", json={"code": await _wx_login(url, "li", errcode=45011)}
    )
    assert limited.status_code == 429 and limited.json()["code"] == "wechat.rate_limited"
    assert limited.headers["retry-after"] == "60"
    risky = await kit.client.post(
        "/api/v1/auth/wechat-login", json={"code": await _wx_login(url, "li", errcode=40226)}
    )
    assert risky.status_code == 403 and risky.json()["code"] == "wechat.high_risk_user"
    busy = await kit.client.post(
        "/api/v1/auth/wechat-login", json={"code": await _wx_login(url, "li", errcode=-1)}
    )
    assert busy.status_code == 503 and busy.json()["code"] == "wechat.unavailable"

    bad_phone = await kit.client.post(
        "/api/v1/auth/wechat-login",
        json={"code": await _wx_login(url, "wang"), "phone_code": "not-a-phone-code"},
    )
    assert bad_phone.status_code == 401 and bad_phone.json()["code"] == "wechat.invalid_code"
    assert await kit.sql("SELECT count(*) FROM wechat_identities") == [(0,)]


async def test_wechat_login_off_says_so(make_settings: Callable[..., Settings]) -> None:
    async with running(make_settings(wechat_login="off")) as (_, client):
        off = await client.post("/api/v1/auth/wechat-login", json={"code": "x"})
    assert off.status_code == 404 and off.json()["code"] == "wechat.login_off"


async def test_simulator_mode_starts_a_local_wechat(make_settings: Callable[..., Settings]) -> None:
    """``make run``'s mode: identity starts the simulator itself and speaks HTTP to it."""
    async with running(make_settings(wechat_login="simulator")) as (app, client):
        wechat = app.state.usecases.wechat.outbound.wechat
        assert wechat is not None and wechat.base.startswith("http://127.0.0.1:")
        code = await _wx_login(wechat.base, "dev-user")
        answer = await client.post(
            "/api/v1/auth/wechat-login",
            json={"code": code, "phone_code": await _phone_code(wechat.base, "13811112222")},
        )
        assert answer.status_code == 200, answer.text
