"""The real provider protocol: a signed HTTP webhook, tried against a real HTTP server on
loopback that checks the signature the way an SMS or push gateway would."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any, cast

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from notif_helpers import free_port
from notification.channels import Outgoing, ProviderError
from notification.channels.aliyun import AliyunSmsAdapter, rpc_signature
from notification.channels.registry import build_adapters
from notification.channels.sink import SinkAdapter
from notification.channels.webhook import WebhookAdapter, verify
from notification.config import Settings
from sc_core.db.uow import UnitOfWork

SECRET = "s3cret-for-the-webhook-test"


def gateway_app(received: list[dict[str, Any]], answers: list[int]) -> FastAPI:
    app = FastAPI()

    @app.post("/send")
    async def send(request: Request) -> JSONResponse:
        body = await request.body()
        ok = verify(SECRET, request.headers["x-timestamp"], body, request.headers["x-signature"])
        if not ok:
            return JSONResponse({"error": "bad signature"}, status_code=401)
        received.append({**json.loads(body), "key": request.headers["idempotency-key"]})
        status = answers.pop(0) if answers else 200
        return JSONResponse({"message_id": f"m-{len(received)}"}, status_code=status)

    return app


@pytest.fixture
async def provider() -> AsyncIterator[tuple[str, list[dict[str, Any]], list[int]]]:
    received: list[dict[str, Any]] = []
    answers: list[int] = []
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            gateway_app(received, answers), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/send", received, answers
    finally:
        server.should_exit = True
        await task


def message(attempt: int = 1) -> Outgoing:
    return Outgoing(
        delivery_id=uuid.uuid4(),
        request_id="r-1",
        recipient_id="u-1",
        channel="sms",
        title="Smoke",
        body="Smoke in 3-2-1201",
        severity="critical",
        template="alarm.raised",
        attempt=attempt,
        address="13800001111",
    )


NO_UOW = cast(UnitOfWork, None)  # a remote provider never touches the transaction


async def test_signed_webhook_is_accepted_and_verified(
    provider: tuple[str, list[dict[str, Any]], list[int]],
) -> None:
    url, received, _ = provider
    async with httpx.AsyncClient() as client:
        adapter = WebhookAdapter("sms", url, SECRET, client)
        msg = message()
        ref = await adapter.send(msg, NO_UOW)
        wrong = WebhookAdapter("sms", url, "another-secret-entirely", client)
        with pytest.raises(ProviderError) as refused:
            await wrong.send(msg, NO_UOW)
    assert ref == "m-1"
    assert received[0]["to"] == "13800001111"
    assert received[0]["body"] == "Smoke in 3-2-1201"
    assert received[0]["key"] == str(msg.delivery_id)
    assert refused.value.code == "provider.http_401" and refused.value.permanent


async def test_server_errors_retry_client_errors_do_not(
    provider: tuple[str, list[dict[str, Any]], list[int]],
) -> None:
    url, _, answers = provider
    answers.extend([503, 429, 400])
    async with httpx.AsyncClient() as client:
        adapter = WebhookAdapter("sms", url, SECRET, client)
        outcomes = []
        for _ in range(3):
            with pytest.raises(ProviderError) as err:
                await adapter.send(message(), NO_UOW)
            outcomes.append((err.value.code, err.value.permanent))
        dead = WebhookAdapter("sms", f"http://127.0.0.1:{free_port()}/x", SECRET, client)
        with pytest.raises(ProviderError) as unreachable:
            await dead.send(message(), NO_UOW)
    assert outcomes == [
        ("provider.http_503", False),
        ("provider.http_429", False),
        ("provider.http_400", True),
    ]
    assert unreachable.value.code == "provider.unreachable"
    assert not unreachable.value.permanent


async def test_settings_choose_the_provider() -> None:
    settings = Settings(
        sms_provider="webhook",
        sms_webhook_url="http://127.0.0.1:1/sms",
        provider_webhook_secret=SECRET,
    )
    async with httpx.AsyncClient() as client:
        adapters = build_adapters(settings, client)
    assert isinstance(adapters["sms"], WebhookAdapter)
    assert isinstance(adapters["push"], SinkAdapter)
    assert sorted(adapters) == ["inapp", "push", "screen", "sms", "speaker", "voice"]
    with pytest.raises(ValueError, match="VOICE_WEBHOOK_URL"):
        Settings(voice_provider="webhook", provider_webhook_secret=SECRET)
    with pytest.raises(ValueError, match="at least 16"):
        Settings(push_provider="webhook", push_webhook_url="http://x", provider_webhook_secret="s")


def test_aliyun_signature_matches_the_documented_example() -> None:
    """The worked example of Aliyun's RPC signature documentation (DescribeRegions)."""
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert rpc_signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def aliyun_app(received: list[dict[str, str]], answers: list[dict[str, str]]) -> FastAPI:
    app = FastAPI()

    @app.get("/")
    async def send_sms(request: Request) -> JSONResponse:
        params = dict(request.query_params)
        signature = params.pop("Signature")
        if signature != rpc_signature("GET", params, "aliyun-secret"):
            return JSONResponse({"Code": "SignatureDoesNotMatch"}, status_code=400)
        received.append(params)
        return JSONResponse(answers.pop(0) if answers else {"Code": "OK", "BizId": "biz-1"})

    return app


async def test_aliyun_sms_sends_signed_requests() -> None:
    received: list[dict[str, str]] = []
    answers: list[dict[str, str]] = [
        {"Code": "OK", "BizId": "biz-1"},
        {"Code": "isv.BUSINESS_LIMIT_CONTROL"},
        {"Code": "isv.MOBILE_NUMBER_ILLEGAL"},
    ]
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            aliyun_app(received, answers), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.02)
    try:
        async with httpx.AsyncClient() as client:
            adapter = AliyunSmsAdapter(
                endpoint=f"http://127.0.0.1:{port}/",
                access_key_id="ak-1",
                access_key_secret="aliyun-secret",
                sign_name="智慧社区",
                template_code="SMS_000001",
                region="cn-hangzhou",
                client=client,
            )
            msg = message()
            msg = Outgoing(**{**msg.__dict__, "address": "+86 138-0000-1111"})
            ref = await adapter.send(msg, NO_UOW)
            with pytest.raises(ProviderError) as throttled:
                await adapter.send(msg, NO_UOW)
            with pytest.raises(ProviderError) as illegal:
                await adapter.send(msg, NO_UOW)
    finally:
        server.should_exit = True
        await task
    assert ref == "biz-1"
    first = received[0]
    assert first["Action"] == "SendSms" and first["PhoneNumbers"] == "13800001111"
    assert first["SignName"] == "智慧社区" and first["OutId"] == str(msg.delivery_id)
    assert json.loads(first["TemplateParam"]) == {"title": "Smoke", "content": "Smoke in 3-2-1201"}
    assert (throttled.value.code, throttled.value.permanent) == (
        "aliyun.isv.BUSINESS_LIMIT_CONTROL",
        False,
    )
    assert (illegal.value.code, illegal.value.permanent) == (
        "aliyun.isv.MOBILE_NUMBER_ILLEGAL",
        True,
    )
    with pytest.raises(ValueError, match="ALIYUN_ACCESS_KEY_ID"):
        Settings(sms_provider="aliyun")
