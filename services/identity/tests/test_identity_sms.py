"""Sign-in by mobile number and SMS code (短信验证码登录, ADR 0034), as the residents' app
sees it: the code is read where a developer reads it (the development SMS sink); codes
die when used, after five wrong tries and after five minutes (the clock is injected,
nothing sleeps); a number waits a minute between codes and has a daily cap, and so has
an address; a number without an account is answered exactly like one with an account."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import running
from httpx import AsyncClient, Response
from identity.config import Settings
from identity_kit import IdentityKit

PASSWORD = "sms-test-2026"


def frozen(kit: IdentityKit, at: datetime) -> None:
    """The SMS codes' clock stops at ``at`` (resend waits, expiry)."""
    kit.app.state.usecases.sms.clock = lambda: at


async def _resident(kit: IdentityKit, mobile: str, name: str = "周敏") -> str:
    """A resident who signed up with ``mobile``; her account id."""
    code = await kit.sms_code(mobile, "signup")
    body = {"mobile": mobile, "password": PASSWORD, "display_name": name, "sms_code": code}
    created = await kit.client.post("/api/v1/signup", json=body)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def _sms_login(client: AsyncClient, phone: str, code: str, **headers: str) -> Response:
    return await client.post(
        "/api/v1/auth/sms-login", json={"phone": phone, "code": code}, headers=headers
    )


def _same_answer(response: Response) -> dict[str, Any]:
    """What a caller sees of an answer, less what differs by request (its id, instance)."""
    body = response.json()
    return {k: v for k, v in body.items() if k not in ("instance", "request_id", "trace_id")}


async def test_a_resident_signs_in_with_an_sms_code(kit: IdentityKit) -> None:
    frozen(kit, datetime.now(UTC))
    account = await _resident(kit, "13911112222")
    kit.app.state.usecases.sms.clock = lambda: datetime.now(UTC) + timedelta(minutes=2)

    sent = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "139-1111-2222"})
    assert sent.status_code == 202, sent.text
    assert sent.json()["expires_in"] == 300 and sent.json()["resend_in"] == 60
    assert sent.json()["message"] == "验证码已发送（如该号码可用），5分钟内有效。"
    sink = await kit.as_(
        "platform_admin", "GET", "/api/v1/dev/sms-sink", params={"phone": "13911112222"}
    )
    text = sink.json()["items"][0]["body"]
    assert re.fullmatch(r"【智慧社区】验证码 \d{6}，5分钟内有效，请勿告诉他人。", text), text
    assert sink.json()["items"][0]["phone"] == "139****2222"  # masked for the admin's grade
    code = re.findall(r"\d{6}", text)[0]

    login = await _sms_login(kit.client, "13911112222", code)
    assert login.status_code == 200, login.text
    tokens = login.json()
    assert tokens["token_type"] == "Bearer" and tokens["refresh_token"]
    assert login.headers["cache-control"] == "no-store"
    me = await kit.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert me.status_code == 200 and me.json()["id"] == account and me.json()["name"] == "周敏"
    # the same refresh tokens as the password grant's: rotated on use
    refreshed = await kit.client.post(
        "/api/v1/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert refreshed.status_code == 200, refreshed.text

    again = await _sms_login(kit.client, "13911112222", code)  # a code is good once
    assert again.status_code == 401
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["code"] == "sms.invalid_code"
    assert again.json()["detail"] == "短信验证码不正确或已失效，请重新获取"

    # only a keyed digest of the code is kept, and the number is encrypted
    rows = await kit.sql("SELECT phone, code_digest FROM sms_codes")
    assert rows and all("13911112222" not in r[0] and code not in r[1] for r in rows)
    actions = [(a["action"], a["outcome"]) for a in await kit.audit_actions()]
    assert ("sms_code.send", "success") in actions
    assert ("sms_code.verify", "success") in actions and ("sms_code.verify", "failure") in actions
    assert ("auth.login", "success") in actions


async def test_the_text_is_english_when_the_reader_asks(kit: IdentityKit) -> None:
    await _resident(kit, "13911113333", "Ann")
    frozen(kit, datetime.now(UTC) + timedelta(minutes=2))
    sent = await kit.client.post(
        "/api/v1/auth/sms-codes", json={"phone": "13911113333"}, headers={"Accept-Language": "en"}
    )
    assert sent.status_code == 202
    assert sent.json()["message"].startswith("If this number can use it, a code is on its way")
    sink = await kit.as_(
        "platform_admin", "GET", "/api/v1/dev/sms-sink", params={"phone": "13911113333"}
    )
    assert re.fullmatch(
        r"\[Smart Community\] Your code is \d{6}, valid for 5 minutes\. Do not tell it to anyone\.",
        sink.json()["items"][0]["body"],
    )


async def test_a_code_dies_after_five_wrong_tries(kit: IdentityKit) -> None:
    code = await kit.sms_code("13922223333", "signup")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    body = {"mobile": "13922223333", "password": PASSWORD, "display_name": "吴静"}
    answers = [
        await kit.client.post("/api/v1/signup", json=body | {"sms_code": wrong}) for _ in range(5)
    ]
    assert [(a.status_code, a.json()["code"]) for a in answers] == [(422, "sms.invalid_code")] * 5
    right = await kit.client.post("/api/v1/signup", json=body | {"sms_code": code})
    assert right.status_code == 422 and right.json()["code"] == "sms.invalid_code"  # dead
    missing = await kit.client.post("/api/v1/signup", json=body)
    assert missing.status_code == 422 and missing.json()["code"] == "signup.sms_code_required"
    assert "短信验证码" in missing.json()["detail"]

    frozen(kit, datetime.now(UTC) + timedelta(minutes=2))  # past the resend wait
    fresh = await kit.sms_code("13922223333", "signup")
    created = await kit.client.post("/api/v1/signup", json=body | {"sms_code": fresh})
    assert created.status_code == 201, created.text  # the number proven, the account made
    login = await kit.login("13922223333", PASSWORD)
    assert login.status_code == 200


async def test_wrong_sign_in_codes_meet_the_login_throttle(kit: IdentityKit) -> None:
    await _resident(kit, "13922224444")
    frozen(kit, datetime.now(UTC) + timedelta(minutes=2))
    code = await kit.sms_code("13922224444")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers = [await _sms_login(kit.client, "13922224444", wrong) for _ in range(4)]
    statuses = [(a.status_code, a.json()["code"]) for a in answers]
    assert statuses[:3] == [(401, "sms.invalid_code")] * 3
    assert statuses[3] == (429, "auth.too_many_attempts")  # as a fourth wrong password would
    assert int(answers[3].headers["retry-after"]) >= 1


async def test_an_expired_code_is_refused(kit: IdentityKit) -> None:
    await _resident(kit, "13933334444")
    start = datetime.now(UTC) + timedelta(minutes=2)
    frozen(kit, start)
    code = await kit.sms_code("13933334444")
    frozen(kit, start + timedelta(seconds=301))
    late = await _sms_login(kit.client, "13933334444", code)
    assert late.status_code == 401 and late.json()["code"] == "sms.invalid_code"

    fresh = await kit.sms_code("13933334444")  # the minute has passed: a new code
    frozen(kit, start + timedelta(seconds=301 + 299))
    in_time = await _sms_login(kit.client, "13933334444", fresh)
    assert in_time.status_code == 200, in_time.text


async def test_a_code_asked_for_again_too_soon_is_refused_in_words(kit: IdentityKit) -> None:
    start = datetime.now(UTC)
    frozen(kit, start)
    first = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "13944445555"})
    assert first.status_code == 202
    frozen(kit, start + timedelta(seconds=20))
    soon = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "13944445555"})
    assert soon.status_code == 429
    assert soon.headers["content-type"] == "application/problem+json"
    assert soon.headers["retry-after"] == "40"
    assert soon.json()["code"] == "sms.too_soon"
    assert soon.json()["detail"] == "验证码已发送，请 40 秒后再重新获取"
    soon_en = await kit.client.post(
        "/api/v1/auth/sms-codes", json={"phone": "13944445555"}, headers={"Accept-Language": "en"}
    )
    assert soon_en.json()["detail"] == "A code was sent to this number just now; ask again in 40 s"
    frozen(kit, start + timedelta(seconds=60))
    later = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "13944445555"})
    assert later.status_code == 202
    refused = [a for a in await kit.audit_actions() if a["action"] == "sms_code.send"]
    assert [a["outcome"] for a in refused] == ["success", "denied", "denied", "success"]


async def test_an_unknown_number_is_answered_like_a_known_one(kit: IdentityKit) -> None:
    await _resident(kit, "13955556666")
    start = datetime.now(UTC) + timedelta(minutes=2)
    frozen(kit, start)
    known = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "13955556666"})
    unknown = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "13955557777"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.headers.get("content-type") == unknown.headers.get("content-type")

    known_soon = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "13955556666"})
    unknown_soon = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "13955557777"})
    assert known_soon.status_code == unknown_soon.status_code == 429
    assert _same_answer(known_soon) == _same_answer(unknown_soon)

    wrong_known = await _sms_login(kit.client, "13955556666", "000000")
    wrong_unknown = await _sms_login(kit.client, "13955557777", "000000")
    assert wrong_known.status_code == wrong_unknown.status_code == 401
    assert _same_answer(wrong_known) == _same_answer(wrong_unknown)
    # a number without an account is sent nothing
    nothing = await kit.as_(
        "platform_admin", "GET", "/api/v1/dev/sms-sink", params={"phone": "13955557777"}
    )
    assert nothing.json()["items"] == []


async def test_daily_caps_per_number_and_per_address(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(sms_daily_per_number=2, sms_daily_per_address=3)
    async with running(settings) as (app, client):
        start = datetime.now(UTC)
        answers = []
        for minute in range(3):
            app.state.usecases.sms.clock = lambda m=minute: start + timedelta(minutes=m)
            answers.append(
                await client.post("/api/v1/auth/sms-codes", json={"phone": "13966667777"})
            )
        assert [a.status_code for a in answers] == [202, 202, 429]
        assert answers[2].json()["code"] == "sms.daily_limit"
        assert answers[2].json()["detail"] == "今日获取验证码次数已达上限，请明天再试或使用密码登录"
        other = await client.post("/api/v1/auth/sms-codes", json={"phone": "13966668888"})
        assert other.status_code == 202  # the address's third
        fourth = await client.post("/api/v1/auth/sms-codes", json={"phone": "13966669999"})
        assert fourth.status_code == 429 and fourth.json()["code"] == "sms.daily_limit"
        app.state.usecases.sms.clock = lambda: start + timedelta(days=1, minutes=5)
        tomorrow = await client.post("/api/v1/auth/sms-codes", json={"phone": "13966669999"})
        assert tomorrow.status_code == 202


async def test_the_code_request_is_validated(kit: IdentityKit) -> None:
    bad = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "12345"})
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    purpose = await kit.client.post(
        "/api/v1/auth/sms-codes", json={"phone": "13800001111", "purpose": "anything"}
    )
    assert purpose.status_code == 422
    short = await _sms_login(kit.client, "13800001111", "12")
    assert short.status_code == 422


async def test_the_demo_resident_signs_in_with_her_own_mobile(kit: IdentityKit) -> None:
    """``make run``'s demo resident has a mobile of her own (the residents' app's quickstart
    names it), not the register's phone of the person she is: that one signs nobody in."""
    frozen(kit, datetime.now(UTC))
    code = await kit.sms_code("13800000101")
    login = await _sms_login(kit.client, "13800000101", code)
    assert login.status_code == 200, login.text
    me = await kit.client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
    )
    assert me.status_code == 200 and me.json()["id"] == str(kit.ids["account:resident"])
    assert me.json()["name"] == "张伟"
    person_phone = await kit.client.post("/api/v1/auth/sms-codes", json={"phone": "13800000001"})
    assert person_phone.status_code == 202
    sink = await kit.as_(
        "platform_admin", "GET", "/api/v1/dev/sms-sink", params={"phone": "13800000001"}
    )
    assert sink.status_code == 200 and sink.json()["items"] == []  # no account: no code sent
