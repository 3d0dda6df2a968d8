"""identity sends its codes through the providers notification uses
(``sc_core.messaging.sms``): here the signed webhook, against a real HTTP server on
loopback that checks the signature as an SMS gateway would; a provider that refuses is
told in words (503 ``sms.unavailable``) and leaves no code behind."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import uvicorn
from conftest import running
from identity.config import Settings
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sc_core.messaging.sms import verify_webhook

SECRET = "identity-sms-webhook-secret"


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[str, list[dict[str, Any]], list[int]]]:
    received: list[dict[str, Any]] = []
    answers: list[int] = []

    async def send(request: Request) -> JSONResponse:
        body = await request.body()
        signed = verify_webhook(
            SECRET, request.headers["x-timestamp"], body, request.headers["x-signature"]
        )
        if not signed:
            return JSONResponse({"error": "bad signature"}, status_code=401)
        status = answers.pop(0) if answers else 200
        if status == 200:
            received.append({**json.loads(body), "key": request.headers["idempotency-key"]})
        return JSONResponse({"message_id": f"m-{len(received)}"}, status_code=status)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    app = Starlette(routes=[Route("/sms", send, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    async with asyncio.timeout(30):
        while not server.started:
            await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/sms", received, answers
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_codes_go_out_through_the_signed_webhook(
    make_settings: Callable[..., Settings],
    gateway: tuple[str, list[dict[str, Any]], list[int]],
) -> None:
    url, received, answers = gateway
    settings = make_settings(sms_provider="webhook", sms_webhook_url=url, sms_webhook_secret=SECRET)
    async with running(settings) as (app, client):
        answers.append(503)  # the gateway is down for the first one
        down = await client.post(
            "/api/v1/auth/sms-codes", json={"phone": "13812345678", "purpose": "signup"}
        )
        assert down.status_code == 503
        assert down.headers["content-type"] == "application/problem+json"
        assert down.json()["code"] == "sms.unavailable"
        assert down.json()["detail"] == "短信暂时无法发送，请稍后再试"
        async with app.state.runtime.db.engine.connect() as conn:
            left = (await conn.execute(text("SELECT count(*) FROM sms_codes"))).scalar()
        assert left == 0  # nothing kept: asking again at once is fine

        sent = await client.post(
            "/api/v1/auth/sms-codes", json={"phone": "13812345678", "purpose": "signup"}
        )
        assert sent.status_code == 202, sent.text
    [message] = received
    assert message["to"] == "13812345678" and message["channel"] == "sms"
    assert message["template"] == "identity.sms_code"
    code = message["body"][len("【智慧社区】验证码 ") :][:6]
    assert code.isdigit()
    assert message["body"] == f"【智慧社区】验证码 {code}，5分钟内有效，请勿告诉他人。"
    assert message["key"] == message["delivery_id"]  # the provider can drop a duplicate
