"""Server-Sent Events pass through the gateway as they come (no buffering) and outlive
the normal upstream read timeout; the stream ends upstream when the client leaves."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from gateway.app import create_app
from gateway.config import GatewaySettings
from sc_core.auth.testing import LocalIssuer
from sc_devinfra.asgi import serve_app


class Upstream:
    """An SSE source whose progress the test can see: sent events, and whether it ended."""

    def __init__(self) -> None:
        self.sent = 0
        self.release = asyncio.Event()
        self.closed = asyncio.Event()

    def app(self) -> FastAPI:
        app = FastAPI(title="streams")

        @app.get("/healthz")
        async def healthz() -> dict[str, str]:
            return {"status": "ok"}

        @app.get("/api/v1/stream")
        async def stream() -> StreamingResponse:
            async def events() -> AsyncIterator[bytes]:
                try:
                    for n in range(1, 4):
                        self.sent = n
                        yield f'id: {n}\nevent: message\ndata: {{"n": {n}}}\n\n'.encode()
                        if n == 1:
                            await self.release.wait()  # held until the client saw event 1
                        else:
                            await asyncio.sleep(1.0)  # quieter than the read timeout (0.5 s)
                    await asyncio.sleep(3600)
                finally:
                    self.closed.set()

            return StreamingResponse(events(), media_type="text/event-stream")

        return app


async def serve(app: FastAPI) -> tuple[uvicorn.Server, asyncio.Task[None], str]:
    served = await serve_app(app)
    return served.server, served.task, served.url


async def test_sse_streams_through_unbuffered_past_the_read_timeout(
    jwks: str, issuer: LocalIssuer
) -> None:
    upstream = Upstream()
    up_server, up_task, up_url = await serve(upstream.app())
    settings = GatewaySettings(
        jwks_url=jwks,
        upstreams={"streams": up_url},
        upstream_timeout_seconds=0.5,
        stream_read_timeout_seconds=5.0,
        kafka_bootstrap_servers="127.0.0.1:1",
    )
    gw_server, gw_task, gw_url = await serve(create_app(settings))
    received: list[str] = []
    try:
        async with (
            httpx.AsyncClient(base_url=gw_url, timeout=httpx.Timeout(10, read=10)) as client,
            client.stream(
                "GET",
                "/api/v1/stream",
                headers={**issuer.bearer("u-1", ["resident"]), "Accept": "text/event-stream"},
            ) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            assert response.headers["x-accel-buffering"] == "no"
            assert "no-cache" in response.headers["cache-control"]
            assert response.headers["x-request-id"]
            async for line in response.aiter_lines():
                if not line.startswith("data:"):
                    continue
                received.append(line)
                if len(received) == 1:
                    # the first event arrived while the upstream was still holding the rest
                    assert upstream.sent == 1
                    upstream.release.set()
                if len(received) == 3:
                    break
        assert received == ['data: {"n": 1}', 'data: {"n": 2}', 'data: {"n": 3}']
        # the client left: the gateway closes the upstream stream too
        await asyncio.wait_for(upstream.closed.wait(), 10)
    finally:
        upstream.release.set()
        for server, task in ((gw_server, gw_task), (up_server, up_task)):
            server.should_exit = True
            server.force_exit = True
            await asyncio.wait_for(task, 15)


async def test_plain_requests_keep_the_normal_read_timeout(jwks: str, issuer: LocalIssuer) -> None:
    """Without Accept: text/event-stream the upstream timeout still applies: the quiet
    upstream is cut after the first event."""
    upstream = Upstream()
    up_server, up_task, up_url = await serve(upstream.app())
    settings = GatewaySettings(
        jwks_url=jwks,
        upstreams={"streams": up_url},
        upstream_timeout_seconds=0.5,
        kafka_bootstrap_servers="127.0.0.1:1",
    )
    gw_server, gw_task, gw_url = await serve(create_app(settings))
    try:
        received: list[str] = []
        async with httpx.AsyncClient(base_url=gw_url, timeout=10) as client:
            with contextlib.suppress(httpx.HTTPError):
                async with client.stream(
                    "GET", "/api/v1/stream", headers=issuer.bearer("u-1", ["resident"])
                ) as response:
                    async for line in response.aiter_lines():
                        if line.startswith("data:"):
                            received.append(line)
        assert received == ['data: {"n": 1}']
        await asyncio.wait_for(upstream.closed.wait(), 10)
    finally:
        upstream.release.set()
        for server, task in ((gw_server, gw_task), (up_server, up_task)):
            server.should_exit = True
            server.force_exit = True
            await asyncio.wait_for(task, 15)
