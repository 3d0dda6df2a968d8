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
