"""The gateway in front of real upstream HTTP servers on loopback."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from collections.abc import AsyncIterator

import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel

from gateway.app import create_app
from gateway.config import GatewaySettings
from sc_core.auth.testing import LocalIssuer
from sc_core.errors import install_problem_handlers
from sc_devinfra.asgi import serving


class Thing(BaseModel):
    name: str


def things_app() -> FastAPI:
    app = FastAPI(title="things")
    install_problem_handlers(app)
    state = {"flaky": 0}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/v1/things")
    async def list_things(request: Request, limit: int = 10) -> dict[str, object]:
        return {
            "items": [],
            "limit": limit,
            "request_id": request.headers.get("x-request-id"),
            "forwarded_for": request.headers.get("x-forwarded-for"),
            "real_ip": request.headers.get("x-real-ip"),
            "forwarded_proto": request.headers.get("x-forwarded-proto"),
            "authorization": request.headers.get("authorization"),
        }

    @app.get("/api/v1/stream")
    async def stream(request: Request, ticket: str | None = None) -> dict[str, str | None]:
        # stands in for notification, which redeems the ticket itself
        return {"ticket": ticket, "authorization": request.headers.get("authorization")}

    @app.post("/api/v1/{device_token}/telemetry")
    async def telemetry(device_token: str) -> dict[str, str]:
        return {"device_token": device_token}

    @app.post("/api/v1/things", status_code=201)
    async def create_thing(thing: Thing) -> Thing:
        return thing

    @app.get("/api/v1/things/{thing_id}")
    async def get_thing(thing_id: int) -> dict[str, int]:
        return {"id": thing_id}

    @app.get("/api/v1/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(5)
        return {"status": "late"}

    @app.get("/api/v1/flaky")
    async def flaky() -> dict[str, int]:
        state["flaky"] += 1
        if state["flaky"] % 2 == 1:
            from fastapi.responses import JSONResponse

            return JSONResponse({"detail": "busy"}, status_code=503)  # type: ignore[return-value]
        return {"calls": state["flaky"]}

    @app.get("/api/v1/unavailable")
    async def unavailable() -> dict[str, str]:
        from sc_core.errors import Problem

        raise Problem(503, "service.database_unavailable", "No database")

    @app.get("/api/v1/broken")
    async def broken() -> dict[str, str]:
        from sc_core.errors import Problem

        raise Problem(500, "things.exploded", "It broke")

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def upstream() -> AsyncIterator[str]:
    async with serving(things_app()) as things:
        yield things.url


def gateway_settings(upstream: str, jwks_url: str, **overrides: object) -> GatewaySettings:
    values: dict[str, object] = {
        "jwks_url": jwks_url,
        "upstreams": {"things": upstream, "ghost": f"http://127.0.0.1:{free_port()}"},
        "upstream_timeout_seconds": 0.5,
        "connect_timeout_seconds": 0.5,
        "breaker_failure_threshold": 3,
        "breaker_reset_seconds": 30,
        "max_body_bytes": 1024,
        "route_overrides": {"/api/v1/ghosts": "ghost"},
        "kafka_bootstrap_servers": "127.0.0.1:1",
    }
    values.update(overrides)
    return GatewaySettings(**values)  # type: ignore[arg-type]


@pytest.fixture
async def gateway(upstream: str, jwks: str, issuer: LocalIssuer) -> AsyncIterator[AsyncClient]:
    app = create_app(gateway_settings(upstream, jwks))
    async with (
        LifespanManager(app),
        AsyncClient(
            transport=ASGITransport(app=app, client=("203.0.113.9", 5555)),
            base_url="http://gw",
            headers=issuer.bearer("u-1", ["resident"]),
        ) as client,
    ):
        yield client


async def test_routes_to_owner_with_request_id_and_forwarded_for(gateway: AsyncClient) -> None:
    response = await gateway.get(
        "/api/v1/things", params={"limit": 3}, headers={"X-Request-ID": "req-12345678"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["limit"] == 3
    assert body["request_id"] == "req-12345678"
    assert response.headers["x-request-id"] == "req-12345678"
    assert body["forwarded_for"] == "203.0.113.9"
    created = await gateway.post("/api/v1/things", json={"name": "lamp"})
    assert created.status_code == 201
    assert created.json() == {"name": "lamp"}
    assert (await gateway.get("/api/v1/things/42")).json() == {"id": 42}


async def test_a_request_without_an_id_gets_a_new_one_the_service_sees_too(
    gateway: AsyncClient,
) -> None:
    """No X-Request-ID (or one that is not sane): the gateway names the request, the
    same id in the answer and upstream, a different one for every request."""
    ids = []
    for sent in ({}, {"X-Request-ID": "no spaces allowed"}, {}):
        response = await gateway.get("/api/v1/things", headers=sent)
        assert response.status_code == 200
        assert response.json()["request_id"] == response.headers["x-request-id"]
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
        ids.append(response.headers["x-request-id"])
    assert len(set(ids)) == 3


async def test_a_forged_client_address_is_replaced(gateway: AsyncClient) -> None:
    """A client that is not a trusted proxy cannot name its own address: the services get
    the address the gateway saw, once (sc_core.net)."""
    response = await gateway.get(
        "/api/v1/things",
        headers={
            "X-Forwarded-For": "198.51.100.1, 10.0.0.1",
            "X-Real-IP": "198.51.100.2",
            "X-Forwarded-Proto": "https",
        },
    )
    body = response.json()
    assert body["forwarded_for"] == "203.0.113.9"
    assert body["real_ip"] == "203.0.113.9"
    assert body["forwarded_proto"] == "http"


async def test_a_trusted_proxy_names_the_client(
    upstream: str, jwks: str, issuer: LocalIssuer
) -> None:
    """Behind an ingress in FORWARDED_ALLOW_IPS: the right-most address it did not add
    itself is the client, and TLS ended there."""
    app = create_app(gateway_settings(upstream, jwks, forwarded_allow_ips="203.0.113.0/24"))
    async with (
        LifespanManager(app),
        AsyncClient(
            transport=ASGITransport(app=app, client=("203.0.113.9", 5555)),
            base_url="http://gw",
            headers=issuer.bearer("u-1", ["resident"]),
        ) as client,
    ):
        response = await client.get(
            "/api/v1/things",
            headers={"X-Forwarded-For": "198.51.100.1, 192.0.2.44", "X-Forwarded-Proto": "https"},
        )
    body = response.json()
    assert body["forwarded_for"] == "192.0.2.44"
    assert body["real_ip"] == "192.0.2.44"
    assert body["forwarded_proto"] == "https"


async def test_request_id_is_generated_when_missing(gateway: AsyncClient) -> None:
    response = await gateway.get("/api/v1/things")
    assert len(response.headers["x-request-id"]) == 32


async def test_upstream_problem_passes_through(gateway: AsyncClient) -> None:
    invalid = await gateway.post("/api/v1/things", json={"nom": "x"})
    assert invalid.status_code == 422
    assert invalid.headers["content-type"] == "application/problem+json"
    assert invalid.json()["code"] == "request.validation_failed"


async def test_unknown_path_is_a_404_problem(gateway: AsyncClient) -> None:
    response = await gateway.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "http.not_found"


async def test_down_upstream_is_a_502_problem(gateway: AsyncClient) -> None:
    response = await gateway.get("/api/v1/ghosts")
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upstream.unavailable"
    assert response.json()["service"] == "ghost"


async def test_slow_upstream_is_cut_at_the_timeout(gateway: AsyncClient) -> None:
    started = time.monotonic()
    response = await gateway.get("/api/v1/slow")
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.json()["code"] == "upstream.timeout"
    assert elapsed < 4.5  # the upstream would have taken 5 s: the gateway did not wait


async def test_idempotent_request_is_retried_past_a_503(gateway: AsyncClient) -> None:
    response = await gateway.get("/api/v1/flaky")
    assert response.status_code == 200
    assert response.json() == {"calls": 2}


async def test_breaker_opens_after_repeated_failures(gateway: AsyncClient) -> None:
    for _ in range(3):
        failing = await gateway.get("/api/v1/unavailable")
        assert failing.status_code == 503
        assert failing.json()["code"] == "service.database_unavailable"  # the upstream's
    response = await gateway.get("/api/v1/unavailable")
    assert response.status_code == 503
    assert response.json()["code"] == "upstream.circuit_open"
    assert int(response.headers["retry-after"]) >= 1
    # other upstreams are unaffected
    assert (await gateway.get("/api/v1/ghosts")).json()["code"] == "upstream.unavailable"


async def test_body_over_the_limit_is_refused(gateway: AsyncClient) -> None:
    response = await gateway.post("/api/v1/things", json={"name": "x" * 2000})
    assert response.status_code == 413
    assert response.json()["code"] == "request.too_large"


async def test_a_device_token_is_not_echoed_in_a_problem(gateway: AsyncClient) -> None:
    """Issue 19 item 9: the token in ``/api/v1/{token}/...`` is a credential."""
    response = await gateway.post("/api/v1/tok-S3cret/telemetry", json={"v": "x" * 2000})
    assert response.status_code == 413
    assert response.json()["instance"] == "/api/v1/{device_token}/telemetry"
    assert "tok-S3cret" not in response.text
    other = await gateway.post("/api/v1/things", json={"name": "x" * 2000})
    assert other.json()["instance"] == "/api/v1/things"  # other paths are as they were


async def test_merged_openapi_and_health(gateway: AsyncClient) -> None:
    merged = await gateway.get("/openapi.json")
    spec = merged.json()
    assert "/api/v1/things/{thing_id}" in spec["paths"]
    # written once per route table; a client that holds it is answered 304
    again = await gateway.get("/openapi.json", headers={"If-None-Match": merged.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert "Thing" in spec["components"]["schemas"]
    assert spec["servers"] == [{"url": "http://gw", "description": "this gateway"}]
    # the gateway checks the token of every route but the public ones, and answers 429
    # and 502/503/504 itself: its document says so
    read = spec["paths"]["/api/v1/things/{thing_id}"]["get"]
    assert read["security"] == [{"bearerAuth": []}]
    assert {"401", "403", "429", "502", "503", "504"} <= set(read["responses"])
    device = spec["paths"]["/api/v1/{device_token}/telemetry"]["post"]
    assert "security" not in device
    problem = spec["components"]["responses"]["Problem429"]["content"]
    assert problem["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert (await gateway.get("/docs")).status_code == 200
    health = (await gateway.get("/healthz")).json()
    assert health["status"] == "degraded"
    assert health["services"]["things"] == "ok"
    assert health["services"]["ghost"].startswith("down")


async def test_cors_preflight_for_configured_origin(upstream: str, jwks: str) -> None:
    app = create_app(gateway_settings(upstream, jwks, cors_origins=["https://app.example.cn"]))
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://gw") as client,
    ):
        ok = await client.options(
            "/api/v1/things",
            headers={"Origin": "https://app.example.cn", "Access-Control-Request-Method": "GET"},
        )
        assert ok.headers["access-control-allow-origin"] == "https://app.example.cn"
        other = await client.options(
            "/api/v1/things",
            headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
        )
        assert "access-control-allow-origin" not in other.headers


async def test_metrics_label_each_route_by_its_template_and_upstream(gateway: AsyncClient) -> None:
    assert (await gateway.get("/api/v1/things/42")).status_code == 200
    text = (await gateway.get("/metrics")).text
    assert 'route="/api/v1/things/{thing_id}"' in text
    assert 'gateway_upstream_requests_total{status="200",upstream="things"}' in text
    assert "{path:path}" not in text


async def test_an_upstream_that_starts_late_is_routed_within_seconds(
    jwks: str, issuer: LocalIssuer
) -> None:
    """A service that was not answering when the gateway started (still starting, or too
    slow on a busy machine) gets its routes as soon as it answers, not a refresh period
    later; until then `/readyz` names it."""
    port = free_port()
    settings = gateway_settings(f"http://127.0.0.1:{port}", jwks, route_refresh_seconds=3600)
    app = create_app(settings)
    async with (
        LifespanManager(app),
        AsyncClient(
            transport=ASGITransport(app=app), base_url="http://gw",
            headers=issuer.bearer("u-1", ["resident"]),
        ) as client,
    ):  # fmt: skip
        assert "things" in (await client.get("/readyz")).json()["waiting_for"]
        assert (await client.get("/api/v1/things")).status_code == 404
        server = uvicorn.Server(
            uvicorn.Config(things_app(), host="127.0.0.1", port=port, log_level="warning")
        )
        task = asyncio.create_task(server.serve())
        try:
            deadline = asyncio.get_running_loop().time() + 120  # a generous bound
            while "things" in (await client.get("/readyz")).json()["waiting_for"]:
                assert asyncio.get_running_loop().time() < deadline, "never routed"
                await asyncio.sleep(0.2)
            assert (await client.get("/api/v1/things")).status_code == 200
        finally:
            server.should_exit = True
            await task
