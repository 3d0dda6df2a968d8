"""The circuit breaker opens only when the upstream itself fails (issue 30, findings 1 and
2; issue 28): a client's bad body, an upstream 500, a device's long-poll or the gateway's
own full pool never take a service's routes away from everyone else.

The upstream runs in its own thread and event loop, as a separate service would.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Response
from fastapi.responses import StreamingResponse
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from gateway.app import create_app
from gateway.config import GatewaySettings
from sc_core.auth.testing import LocalIssuer
from sc_core.errors import Problem, install_problem_handlers

THRESHOLD = 3
STREAMS_END = threading.Event()  # the upstream's event streams end when it is set


class Login(BaseModel):
    username: str
    password: str


def device_app() -> FastAPI:
    """Login, a device long-poll (ThingsBoard's RPC poll) and a few other routes."""
    app = FastAPI(title="things")
    install_problem_handlers(app)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/api/v1/auth/token")
    async def token(body: Login) -> dict[str, str]:
        return {"access_token": f"token-of-{body.username}"}

    @app.get("/api/v1/things")
    async def things() -> dict[str, list[str]]:
        return {"items": []}

    @app.get("/api/v1/pause")
    async def pause(seconds: float) -> dict[str, float]:
        await asyncio.sleep(seconds)
        return {"paused": seconds}

    @app.get("/api/v1/broken")
    async def broken() -> None:
        raise Problem(500, "things.exploded", "It broke")

    @app.get("/api/v1/events")
    async def events() -> StreamingResponse:
        async def body() -> AsyncIterator[bytes]:
            yield b"data: hello\n\n"
            while not STREAMS_END.is_set():
                await asyncio.sleep(0.02)
            yield b"data: bye\n\n"

        return StreamingResponse(body(), media_type="text/event-stream")

    @app.get("/api/v1/{device_token}/rpc")
    async def poll(device_token: str, timeout: int = 20_000) -> Response:
        await asyncio.sleep(timeout / 1000)
        return Response(status_code=408)  # no command came in time

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(device_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(15)


async def _gateway(upstream: str, jwks: str, **overrides: object) -> AsyncIterator[AsyncClient]:
    values: dict[str, object] = {
        "jwks_url": jwks,
        "upstreams": {"things": upstream},
        "upstream_timeout_seconds": 0.5,
        "connect_timeout_seconds": 0.5,
        "breaker_failure_threshold": THRESHOLD,
        "breaker_reset_seconds": 60,
        "long_poll_paths": {r"/api/v1/[^/]+/rpc": 3.0},
        "kafka_bootstrap_servers": "127.0.0.1:1",
    }
    values.update(overrides)
    app = create_app(GatewaySettings(**values))  # type: ignore[arg-type]
    async with (
        LifespanManager(app),
        AsyncClient(
            transport=ASGITransport(app=app, client=("203.0.113.7", 4000)),
            base_url="http://gw",
            timeout=30,
        ) as client,
    ):
        yield client


@pytest.fixture
async def gateway(upstream: str, jwks: str) -> AsyncIterator[AsyncClient]:
    async for client in _gateway(upstream, jwks):
        yield client


async def test_deeply_nested_login_bodies_are_400_and_login_stays_up(
    gateway: AsyncClient,
) -> None:
    deep = b'{"username":' * 5_000 + b'"x"' + b"}" * 5_000
    for _ in range(THRESHOLD * 2):
        refused = await gateway.post(
            "/api/v1/auth/token", content=deep, headers={"content-type": "application/json"}
        )
        assert refused.status_code == 400
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "request.too_deep"
    login = await gateway.post(
        "/api/v1/auth/token", json={"username": "resident", "password": "secret"}
    )
    assert login.status_code == 200
    assert login.json() == {"access_token": "token-of-resident"}


async def test_upstream_500s_answer_as_they_are_and_open_no_breaker(
    gateway: AsyncClient, issuer: LocalIssuer
) -> None:
    headers = issuer.bearer("u-1", ["resident"])
    for _ in range(THRESHOLD * 2):
        broken = await gateway.get("/api/v1/broken", headers=headers)
        assert broken.status_code == 500
        assert broken.json()["code"] == "things.exploded"
    assert (await gateway.get("/api/v1/things", headers=headers)).status_code == 200


async def test_device_long_polls_outlive_the_call_timeout_and_trip_no_breaker(
    gateway: AsyncClient, issuer: LocalIssuer
) -> None:
    # five devices poll for 1 s, twice the 0.5 s timeout of an ordinary call
    polls = await asyncio.gather(
        *(gateway.get(f"/api/v1/dev-{n}/rpc", params={"timeout": 1_000}) for n in range(5))
    )
    assert [p.status_code for p in polls] == [408] * 5  # the device API's own answer
    # polls that outlive even their own timeout (3 s) are cut, but count against nothing
    cut = await asyncio.gather(
        *(gateway.get(f"/api/v1/dev-{n}/rpc", params={"timeout": 10_000}) for n in range(5))
    )
    assert [c.status_code for c in cut] == [504] * 5
    assert {c.json()["code"] for c in cut} == {"upstream.timeout"}
    others = await gateway.get("/api/v1/things", headers=issuer.bearer("u-1", ["resident"]))
    assert others.status_code == 200
    poll = await gateway.get("/api/v1/dev-9/rpc", params={"timeout": 10})
    assert poll.status_code == 408


async def test_a_full_gateway_pool_is_busy_not_an_upstream_failure(
    upstream: str, jwks: str, issuer: LocalIssuer
) -> None:
    headers = issuer.bearer("u-1", ["resident"])
    async for gateway in _gateway(
        upstream, jwks, max_connections=1, pool_timeout_seconds=0.2, idempotent_retries=0
    ):
        answers = await asyncio.gather(
            *(
                gateway.get("/api/v1/pause", params={"seconds": 0.3}, headers=headers)
                for _ in range(THRESHOLD * 3)
            )
        )
        codes = [a.json().get("code") for a in answers if a.status_code != 200]
        assert codes, "the pool of one connection should have been full"
        assert set(codes) == {"gateway.busy"}
        assert all(a.headers.get("retry-after") for a in answers if a.status_code == 503)
        # the upstream was never at fault: its routes still answer
        assert (await gateway.get("/api/v1/things", headers=headers)).status_code == 200


async def test_one_caller_holds_a_few_streams_at_once_and_api_answers_are_not_stored(
    upstream: str, jwks: str, issuer: LocalIssuer
) -> None:
    """Issue 30.13: one user held 130 streams; API answers carried no Cache-Control."""
    settings = GatewaySettings(
        jwks_url=jwks,
        upstreams={"things": upstream},
        max_streams_per_caller=2,
        kafka_bootstrap_servers="127.0.0.1:1",
    )
    app = create_app(settings)
    stream = {"accept": "text/event-stream"}
    alice = {**issuer.bearer("alice", ["resident"]), **stream}
    bob = {**issuer.bearer("bob", ["resident"]), **stream}
    STREAMS_END.clear()
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://gw", timeout=60) as gw,
    ):
        things = await gw.get("/api/v1/things", headers=issuer.bearer("alice", ["resident"]))
        assert things.status_code == 200 and things.headers["cache-control"] == "no-store"
        held = [asyncio.create_task(gw.get("/api/v1/events", headers=alice)) for _ in range(2)]
        slots = app.state.stream_slots
        deadline = time.monotonic() + 30
        while slots.open.get("user:alice", 0) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        assert slots.open.get("user:alice") == 2
        third = await gw.get("/api/v1/events", headers=alice)
        assert third.status_code == 429
        assert third.json()["code"] == "gateway.too_many_streams"
        assert third.json()["detail"].startswith("同时打开的实时推送连接最多 2 个")
        others = asyncio.create_task(gw.get("/api/v1/events", headers=bob))  # bob has his own
        STREAMS_END.set()
        answers = await asyncio.gather(*held, others)
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert all("data: bye" in a.text for a in answers)
        assert answers[0].headers["cache-control"] == "no-cache, no-transform"
        assert slots.open == {}  # every slot freed when its stream ended
        again = await gw.get("/api/v1/events", headers=alice)
        assert again.status_code == 200
