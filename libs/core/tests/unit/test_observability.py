"""Traces and metrics plug into standard stacks: the OpenTelemetry variables are honoured,
labels do not clash with the Prometheus Operator's, no `_created` series, /metrics on a
port of its own when asked."""

from __future__ import annotations

import secrets
import socket

import pytest
from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as Grpc
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as Http
from prometheus_client import generate_latest

from sc_core import observability
from sc_core.observability import span_exporter
from sc_core.service import create_service_app
from sc_core.settings import ServiceSettings


def test_no_endpoint_no_exporter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert span_exporter(ServiceSettings()) is None


def test_traces_endpoint_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/custom")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://other:4318")
    exporter = span_exporter(ServiceSettings())
    assert isinstance(exporter, Http)
    assert exporter._endpoint == "http://collector:4318/custom"


def test_base_endpoint_gets_the_traces_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/")
    exporter = span_exporter(ServiceSettings())
    assert isinstance(exporter, Http)
    assert exporter._endpoint == "http://collector:4318/v1/traces"


def test_grpc_protocol(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    assert isinstance(span_exporter(ServiceSettings()), Grpc)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json")
    with pytest.raises(ValueError, match="http/protobuf or grpc"):
        span_exporter(ServiceSettings())


def test_sampler_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry.sdk.trace import TracerProvider

    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    monkeypatch.setenv("OTEL_TRACES_SAMPLER_ARG", "0.25")
    # what setup_tracing builds when OTEL_TRACES_SAMPLER is set: the SDK's own choice
    sampler = TracerProvider(sampler=None).sampler
    assert "0.25" in sampler.get_description()


router = APIRouter()


@router.get("/api/v1/rooms/{room_id}")
async def room(room_id: int) -> dict[str, int]:
    return {"id": room_id}


async def test_request_metrics_are_labelled_app_service_without_created() -> None:
    app = create_service_app(ServiceSettings(service_name="rooms"), title="r", routers=[router])
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        await client.get("/api/v1/rooms/7")
        await client.get("/no/such/path")
        text = (await client.get("/metrics")).text
    assert (
        'http_requests_total{app_service="rooms",method="GET",route="/api/v1/rooms/{room_id}",'
        'status="200"}' in text
    )
    assert 'route="unmatched",status="404"' in text
    assert "/no/such/path" not in text
    assert "_created" not in generate_latest().decode()
    assert 'service="' not in text.replace('app_service="', "")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_metrics_port_takes_metrics_off_the_api_port() -> None:
    from asgi_lifespan import LifespanManager

    port = _free_port()
    settings = ServiceSettings(service_name="rooms", metrics_port=port, http_host="127.0.0.1")
    app = create_service_app(settings, title="r", routers=[router])
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client,
    ):
        assert (await client.get("/metrics")).status_code == 404
        await client.get("/api/v1/rooms/1")
        async with AsyncClient() as scraper:
            answer = await scraper.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
        assert "http_requests_total" in answer.text


traced = APIRouter()


@traced.get("/api/v1/whose-trace")
async def whose_trace() -> dict[str, object]:
    span = trace.get_current_span()
    context = span.get_span_context()
    return {
        "trace_id": format(context.trace_id, "032x"),
        "valid": context.is_valid,
        "recording": span.is_recording(),
    }


async def test_an_unrecorded_request_still_names_the_callers_trace_or_a_new_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no exporter (spans dropped) a request still runs in a trace: the caller's
    ``traceparent`` continued, or a new trace id of its own; that is what logs, audit
    records and events name."""
    app = create_service_app(ServiceSettings(service_name="traces"), title="t", routers=[traced])
    assert observability._sampler is not None  # installed by create_service_app
    monkeypatch.setattr(observability._sampler, "exporting", False)  # another test may add one
    callers_trace = secrets.token_hex(16)
    parent = {"traceparent": f"00-{callers_trace}-{secrets.token_hex(8)}-01"}
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        continued = (await client.get("/api/v1/whose-trace", headers=parent)).json()
        first = (await client.get("/api/v1/whose-trace")).json()
        second = (await client.get("/api/v1/whose-trace")).json()
    assert continued == {"trace_id": callers_trace, "valid": True, "recording": False}
    assert first["valid"] and second["valid"]
    assert len({first["trace_id"], second["trace_id"], callers_trace}) == 3
    assert not first["recording"]
