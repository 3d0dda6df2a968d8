"""A forwarded call skips FastAPI's outer stack (ADR 0063) and still gets what it gave:
one server span continuing the caller's trace into the upstream, credentials kept out of
it, the gateway's middleware, problem+json for an error, and the gateway's own routes
still served by FastAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request
from httpx import ASGITransport, AsyncClient
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from gateway.app import create_app
from gateway.lean import GatewayApp
from sc_core.auth.testing import LocalIssuer
from sc_core.observability import setup_tracing
from sc_core.settings import ServiceSettings
from sc_devinfra.asgi import serving
from test_gateway import gateway_settings

CALLER_TRACE = "0af7651916cd43dd8448eb211c80319c"
CALLER_SPAN = "b7ad6b7169203331"
SECRET = "S3cretDeviceTok"


def echo_app() -> FastAPI:
    """An upstream that answers with the trace headers it was sent."""
    app = FastAPI(title="echo")

    @app.get("/api/v1/things")
    async def things(request: Request) -> dict[str, str | None]:
        return {"traceparent": request.headers.get("traceparent")}

    @app.post("/api/v1/{device_token}/telemetry")
    async def telemetry(device_token: str) -> dict[str, str]:
        return {"stored": "yes"}

    return app


@pytest.fixture
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    setup_tracing(ServiceSettings(), extra_processor=SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
async def gateway(jwks: str, issuer: LocalIssuer) -> AsyncIterator[AsyncClient]:
    async with serving(echo_app()) as echo:
        app = create_app(gateway_settings(echo.url, jwks))
        assert isinstance(app, GatewayApp)
        async with (
            LifespanManager(app),
            AsyncClient(
                transport=ASGITransport(app=app, client=("203.0.113.9", 5555)),
                base_url="http://gw",
                headers=issuer.bearer("u-1", ["resident"]),
            ) as client,
        ):
            yield client


def _gateway_spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [
        s
        for s in exporter.get_finished_spans()
        if s.instrumentation_scope is not None and s.instrumentation_scope.name == "gateway"
    ]


async def test_one_span_per_call_continues_the_callers_trace(
    gateway: AsyncClient, spans: InMemorySpanExporter
) -> None:
    response = await gateway.get(
        "/api/v1/things", headers={"traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"}
    )
    assert response.status_code == 200
    ours = _gateway_spans(spans)
    assert len(ours) == 1
    span = ours[0]
    assert span.kind is SpanKind.SERVER
    assert span.name == "GET /api/v1/things"
    assert format(span.context.trace_id, "032x") == CALLER_TRACE
    assert span.parent is not None and format(span.parent.span_id, "016x") == CALLER_SPAN
    assert span.attributes is not None
    assert span.attributes["http.route"] == "/api/v1/things"
    assert span.attributes["http.response.status_code"] == 200
    # the upstream continues the trace under the gateway's span
    sent = response.json()["traceparent"]
    assert sent == f"00-{CALLER_TRACE}-{format(span.context.span_id, '016x')}-01"


async def test_a_device_token_stays_out_of_the_span(
    gateway: AsyncClient, spans: InMemorySpanExporter
) -> None:
    response = await gateway.post(f"/api/v1/{SECRET}/telemetry?ticket={SECRET}", json={"t": 1})
    assert response.status_code == 200
    (span,) = _gateway_spans(spans)
    assert span.name == "POST /api/v1/{device_token}/telemetry"
    assert span.attributes is not None
    assert span.attributes["url.path"] == "/api/v1/{device_token}/telemetry"
    assert span.attributes["url.query"] == "ticket=REDACTED"
    assert SECRET not in str(dict(span.attributes))


async def test_a_failed_call_is_a_failed_span_and_a_problem(
    gateway: AsyncClient, spans: InMemorySpanExporter
) -> None:
    response = await gateway.get("/api/v1/ghosts/1", headers={"Accept-Language": "en"})
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upstream.unavailable"
    assert response.headers["cache-control"] == "no-store"
    assert len(response.headers["x-request-id"]) == 32
    (span,) = _gateway_spans(spans)
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None and span.attributes["http.response.status_code"] == 502


async def test_the_gateways_own_routes_are_still_fastapis(
    gateway: AsyncClient, spans: InMemorySpanExporter
) -> None:
    ready = await gateway.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert ready.headers["x-request-id"]
    # served by FastAPI's stack: its own span, not the forwarded calls'
    assert _gateway_spans(spans) == []
    console = await gateway.get("/console")
    assert console.status_code == 308


def test_own_routes_are_known_by_their_literal_prefixes(jwks: str) -> None:
    app = create_app(gateway_settings("http://127.0.0.1:1", jwks))
    assert isinstance(app, GatewayApp) and app.own_routes is not None
    own = app.own_routes

    def scope(path: str) -> dict[str, object]:
        return {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}

    for path in ("/healthz", "/readyz", "/api/v1/overview", "/console/screen", "/app/", "/docs"):
        assert own(scope(path)), path
    for path in ("/api/v1/me", "/api/v1/things/1", "/apps", "/api/v1/overviews", "/"):
        assert not own(scope(path)), path

    @app.get("/api/v1/added-later")
    async def added() -> dict[str, str]:
        return {}

    assert own(scope("/api/v1/added-later"))
