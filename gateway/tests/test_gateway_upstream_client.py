"""The gateway's own upstream client (ADR 0071) against a real uvicorn upstream, the gateway
served by uvicorn too: connections reused, a stale pooled connection retried for requests
that may be repeated, chunked and large answers streamed, HEAD and 204/304 without bodies,
`Connection: close`, uploads, and an answer broken off mid-way as a 502 problem."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest
from gw_wire import PIECE, PIECES, Relay, Wire

from gateway.app import create_app
from gateway.config import GatewaySettings
from sc_core.auth.testing import LocalIssuer
from sc_devinfra.asgi import serving


@dataclass
class Stack:
    client: httpx.AsyncClient
    wire: Wire
    relay: Relay


@pytest.fixture
async def stack(jwks: str, issuer: LocalIssuer) -> AsyncIterator[Stack]:
    wire = Wire()
    async with serving(wire.app()) as upstream:
        relay = Relay(urlsplit(upstream.url).port or 0)
        relay_url = await relay.start()
        settings = GatewaySettings(
            jwks_url=jwks,
            upstreams={"wire": relay_url},
            upstream_timeout_seconds=5.0,
            connect_timeout_seconds=2.0,
            breaker_failure_threshold=1,  # one upstream failure opens it: none may be counted
            max_body_bytes=4 * 1024 * 1024,
            kafka_bootstrap_servers="127.0.0.1:1",
        )
        async with (
            serving(create_app(settings)) as gateway,
            httpx.AsyncClient(
                base_url=gateway.url,
                headers=issuer.bearer("u-1", ["resident"]),
                timeout=httpx.Timeout(20),
            ) as client,
        ):
            try:
                yield Stack(client, wire, relay)
            finally:
                wire.release.set()
                await relay.stop()


async def test_calls_reuse_one_pooled_connection(stack: Stack) -> None:
    for n in range(5):
        response = await stack.client.get(
            "/api/v1/wire/small", headers={"x-request-id": f"req-{n:04d}"}
        )
        assert response.status_code == 200
        assert response.json() == {"ok": True, "request_id": f"req-{n:04d}"}
        assert response.headers["x-request-id"] == f"req-{n:04d}"
    assert stack.relay.accepted == 1


async def test_a_stale_pooled_connection_is_tried_again_for_a_get(stack: Stack) -> None:
    assert (await stack.client.get("/api/v1/wire/small")).status_code == 200
    stack.relay.drop_next = True  # closed by the other side as the next request arrives
    response = await stack.client.get("/api/v1/wire/small")
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert stack.relay.dropped == 1
    assert stack.relay.accepted == 2  # the retry took a fresh connection
    # the pool's own race counted as no upstream failure: the breaker (threshold 1) is shut
    assert (await stack.client.get("/api/v1/wire/small")).status_code == 200


async def test_a_post_on_a_stale_connection_is_never_repeated_but_answered(stack: Stack) -> None:
    assert (await stack.client.post("/api/v1/wire/things")).json() == {"created": True}
    stack.relay.drop_next = True
    response = await stack.client.post("/api/v1/wire/things", headers={"Accept-Language": "en"})
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upstream.unavailable"
    assert response.json()["detail"] == "The wire service cannot be reached"
    assert stack.relay.dropped == 1


async def test_a_chunked_answer_streams_through_as_it_comes(stack: Stack) -> None:
    received = 0
    async with stack.client.stream("GET", "/api/v1/wire/chunked") as response:
        assert response.status_code == 200
        assert "content-length" not in response.headers
        assert response.headers["x-request-id"]
        async for data in response.aiter_raw():
            if received < PIECE <= received + len(data):
                # the first piece came through while the upstream still held the rest
                assert stack.wire.sent == 1
                stack.wire.release.set()
            received += len(data)
    assert received == PIECE * PIECES
    # read to its end, the connection is kept: the next call needs no new one
    assert (await stack.client.get("/api/v1/wire/small")).status_code == 200
    assert stack.relay.accepted == 1


async def test_a_large_answer_arrives_whole_and_in_order(stack: Stack) -> None:
    stack.wire.release.set()
    response = await stack.client.get("/api/v1/wire/chunked")
    assert response.status_code == 200
    expected = b"".join(bytes([65 + n % 26]) * PIECE for n in range(PIECES))
    assert response.content == expected


async def test_head_and_204_and_304_have_no_body_and_keep_the_connection(stack: Stack) -> None:
    head = await stack.client.head("/api/v1/wire/document")
    assert head.status_code == 200
    assert head.headers["content-length"] == "1234"
    assert head.content == b""
    deleted = await stack.client.delete("/api/v1/wire/things/t-1")
    assert deleted.status_code == 204
    assert deleted.content == b""
    cached = await stack.client.get("/api/v1/wire/cached")
    assert cached.status_code == 304
    assert cached.headers["etag"] == '"v1"'
    document = await stack.client.get("/api/v1/wire/document")
    assert document.status_code == 200
    assert document.content == b"x" * 1234
    assert stack.relay.accepted == 1


async def test_connection_close_from_the_upstream_is_honoured(stack: Stack) -> None:
    closing = await stack.client.get("/api/v1/wire/closing")
    assert closing.status_code == 200
    assert closing.json() == {"last": True}
    after = await stack.client.get("/api/v1/wire/small")
    assert after.status_code == 200
    assert stack.relay.accepted == 2  # the closed connection was not reused


async def test_an_upload_reaches_the_upstream_byte_for_byte(stack: Stack) -> None:
    photo = bytes(range(256)) * 8192  # 2 MiB
    response = await stack.client.post(
        "/api/v1/wire/uploads", content=photo, headers={"content-type": "image/jpeg"}
    )
    assert response.status_code == 200
    assert response.json() == {"bytes": len(photo), "sha256": hashlib.sha256(photo).hexdigest()}


async def test_an_answer_broken_off_midway_is_a_502_problem_not_a_500(stack: Stack) -> None:
    response = await stack.client.get("/api/v1/wire/broken")
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "upstream.unavailable"
    assert problem["detail"] == "后台服务的应答中断，请稍后重试"
    assert problem["messages"]["en"] == "The wire service broke off its answer"
    assert problem["service"] == "wire"
    # a broken answer is the upstream's failure: the breaker (threshold 1) is open now
    after = await stack.client.get("/api/v1/wire/small")
    assert after.status_code == 503
    assert after.json()["code"] == "upstream.circuit_open"
