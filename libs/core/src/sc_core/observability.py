"""Traces, JSON logs with the trace id, Prometheus metrics, health and readiness.

Traces: OpenTelemetry for FastAPI, httpx, SQLAlchemy and the event bus (consumer spans
continue the producer's trace from Kafka headers). Spans go to OTLP when
``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, over
HTTP/protobuf or gRPC (``OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL``); ``OTEL_TRACES_SAMPLER``
and ``OTEL_TRACES_SAMPLER_ARG`` choose the sampler, ``OTEL_SERVICE_NAME`` and
``OTEL_RESOURCE_ATTRIBUTES`` the resource, as the OpenTelemetry specification says.

Metrics: Prometheus text at ``/metrics`` (or on ``METRICS_PORT`` alone). The process's
own name is the label ``app_service``: ``service`` is the label the Prometheus Operator
gives every target (the Kubernetes Service), which would rename ours ``exported_service``.
Counters carry no ``_created`` series.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.telemetry import TelemetryConfig
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import (
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.sdk.trace.sampling import _get_from_env_or_default as sampling_from_environment
from opentelemetry.trace import Link, SpanKind, TraceState
from opentelemetry.util.types import Attributes
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sc_core.errors import Problem, problem_response, redacted_target
from sc_core.settings import ServiceSettings

disable_created_metrics()  # no `<counter>_created` series: they only cost storage

REQUESTS = Counter(
    "http_requests_total", "HTTP requests", ["app_service", "method", "route", "status"]
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["app_service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
UNMATCHED = "unmatched"
"""The route label of a request no route matched (never the raw path: unbounded labels)."""

_provider_installed = False


def dump_tasks(logger: logging.Logger | None = None) -> str:
    """Every asyncio task of the running loop with the line it waits on, written to the log
    and returned. py-spy shows threads, not coroutines: an idle event loop hides which
    await a stuck consumer sits on. ``kill -USR1 <pid>`` calls this in a running service."""
    out = io.StringIO()
    tasks = sorted(asyncio.all_tasks(), key=lambda t: t.get_name())
    for task in tasks:
        out.write(f"--- task {task.get_name()}\n")
        awaiting: Any = task.get_coro()
        while awaiting is not None:  # follow the await chain down to the innermost frame
            frame = getattr(awaiting, "cr_frame", None) or getattr(awaiting, "gi_frame", None)
            if frame is not None:
                out.write(f"  {frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}\n")
            inner = getattr(awaiting, "cr_await", None)
            awaiting = inner if inner is not None else getattr(awaiting, "gi_yieldfrom", None)
    text = out.getvalue()
    (logger or logging.getLogger("sc_core.tasks")).warning(
        "asyncio task dump (%d tasks):\n%s", len(tasks), text
    )
    return text


def install_task_dump() -> None:
    """``SIGUSR1`` dumps the running loop's tasks to the log (see ``dump_tasks``)."""
    loop = asyncio.get_running_loop()
    # no signals where the loop is not in the main thread (e.g. a test's app)
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGUSR1, dump_tasks)


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            out["trace_id"] = format(ctx.trace_id, "032x")
            out["span_id"] = format(ctx.span_id, "016x")
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def setup_logging(settings: ServiceSettings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(settings.service_name))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # httpx logs every request at INFO: the gateway would write a line per proxied call
    for noisy in ("aiokafka", "kafka", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class WhileExporting(Sampler):
    """``ParentBased(TraceIdRatioBased(ratio))`` (or the sampler ``OTEL_TRACES_SAMPLER``
    names) while spans have somewhere to go (an OTLP exporter or a processor a test
    added); otherwise every span is dropped unrecorded.

    A dropped span still carries a trace id, so logs, the gateway's ``traceparent`` and the
    events' headers keep one id per request through every service; only the recording,
    which cost a tenth of a small request's CPU with nothing to receive it, is saved.
    """

    def __init__(self, ratio: float) -> None:
        self.exporting = False
        # OTEL_TRACES_SAMPLER (+ _ARG) replaces the parent-based ratio, as the SDK reads it
        self._inner: Sampler = (
            sampling_from_environment()
            if os.environ.get("OTEL_TRACES_SAMPLER")
            else ParentBased(TraceIdRatioBased(ratio))
        )

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        if self.exporting:
            return self._inner.should_sample(
                parent_context, trace_id, name, kind, attributes, links, trace_state
            )
        parent = trace.get_current_span(parent_context).get_span_context()
        return SamplingResult(Decision.DROP, None, parent.trace_state if parent.is_valid else None)

    def get_description(self) -> str:
        return f"WhileExporting{{{self._inner.get_description()}}}"


_sampler: WhileExporting | None = None


def tracing_recorded() -> bool:
    """Whether spans are recorded (an exporter or a processor is installed)."""
    return _sampler is not None and _sampler.exporting


def setup_tracing(
    settings: ServiceSettings, *, extra_processor: SpanProcessor | None = None
) -> TracerProvider:
    """Install the process-wide tracer provider once; later calls return it."""
    global _provider_installed, _sampler
    current = trace.get_tracer_provider()
    if _provider_installed and isinstance(current, TracerProvider):
        if extra_processor is not None:
            current.add_span_processor(extra_processor)
            if _sampler is not None:
                _sampler.exporting = True
        return current
    _sampler = WhileExporting(settings.otel_sample_ratio)
    provider = TracerProvider(
        resource=Resource.create(
            {"service.name": os.environ.get("OTEL_SERVICE_NAME") or settings.service_name}
        ),
        sampler=_sampler,
    )
    exporter = span_exporter(settings)
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
        _sampler.exporting = True
    if extra_processor is not None:
        provider.add_span_processor(extra_processor)
        _sampler.exporting = True
    trace.set_tracer_provider(provider)
    _provider_installed = True
    return provider


def _otlp_protocol() -> str:
    return (
        os.environ.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    ).strip()


def span_exporter(settings: ServiceSettings) -> SpanExporter | None:
    """The OTLP exporter the standard variables ask for, or None when no endpoint is set.

    HTTP: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is the full URL; OTEL_EXPORTER_OTLP_ENDPOINT
    is the base, ``/v1/traces`` appended. gRPC: either is ``host:port`` (or a URL).
    Headers, certificates, compression and timeouts come from the exporters' own
    OTEL_EXPORTER_OTLP_* variables."""
    traces = settings.otel_exporter_otlp_traces_endpoint
    base = settings.otel_exporter_otlp_endpoint
    if not (traces or base):
        return None
    protocol = _otlp_protocol()
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
            OTLPSpanExporter as GrpcExporter,
        )

        return GrpcExporter(endpoint=traces or base)
    if protocol not in ("http/protobuf", "http"):
        raise ValueError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL={protocol!r}: use http/protobuf or grpc "
            "(http/json is not offered by the Python exporters)"
        )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    endpoint = traces or (str(base).rstrip("/") + "/v1/traces")
    return OTLPSpanExporter(endpoint=endpoint)


def _operational(scope: MutableMapping[str, Any]) -> bool:
    return scope.get("path") in ("/healthz", "/readyz", "/metrics")


TELEMETRY: TelemetryConfig = {
    # FastAPI's own OpenTelemetry server span: one span per request, named after the route
    # (the contrib ASGI middleware it replaces added a span per body message and decoded
    # every header on each lookup, ~10% of a small request). Metrics are Prometheus'
    # (MetricsMiddleware); no span per dependency.
    "metrics": False,
    "logs": False,
    "operation_spans": False,
    "exclude": _operational,
}
"""Pass as ``TracedApp(telemetry=TELEMETRY)``: FastAPI's span while spans are recorded."""


def header_carrier(scope: Scope) -> dict[str, str]:
    """A request's headers as the propagators read them (a repeated header joined)."""
    carrier: dict[str, str] = {}
    for name, value in scope["headers"]:
        key = name.decode("latin-1")
        text = value.decode("latin-1")
        carrier[key] = f"{carrier[key]},{text}" if key in carrier else text
    return carrier


class TracedApp(FastAPI):
    """A service's FastAPI app: FastAPI's own server span (``TELEMETRY``) while spans are
    recorded; otherwise only the request's trace context, which is all an unrecorded span
    is good for.

    With no exporter (``WhileExporting`` drops every span) FastAPI's telemetry still built
    a span, its attributes (the Host header parsed), a per-request record and two contexts
    for each request: ~55 µs, 7 % of identity's ``/me``. Here such a request gets the
    caller's ``traceparent`` continued (or a new trace id) in one dropped span made
    current, so logs, audit records and the events the request causes name one trace id
    through every service, as before. Operational paths (``/healthz``, ``/metrics``) get
    neither, as ``TELEMETRY`` excludes them. Decided per request: a test that adds a span
    processor after the app was built gets recorded spans from then on.
    """

    _tracer: trace.Tracer | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or tracing_recorded() or "fastapi.telemetry" in scope:
            await super().__call__(scope, receive, send)
            return
        scope["fastapi.telemetry"] = None  # FastAPI's own telemetry steps aside
        try:
            if _operational(scope):
                await super().__call__(scope, receive, send)
                return
            if self._tracer is None:
                self._tracer = trace.get_tracer("sc_core.http")
            parent = propagate.extract(header_carrier(scope))
            span = self._tracer.start_span(scope["method"], context=parent, kind=SpanKind.SERVER)
            token = otel_context.attach(trace.set_span_in_context(span, parent))
            try:
                await super().__call__(scope, receive, send)
            finally:
                otel_context.detach(token)
                span.end()  # a dropped span's end is nothing; a provider not ours may record
        finally:
            scope.pop("fastapi.telemetry", None)


def instrument_app(app: FastAPI, settings: ServiceSettings) -> None:
    """Request metrics; httpx client spans while spans are recorded. The server span is
    FastAPI's own (``TELEMETRY``) while recorded, else ``TracedApp``'s trace context."""
    if tracing_recorded():
        from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

        HTTPXClientInstrumentor().instrument()
    app.add_middleware(MetricsMiddleware, service=settings.service_name)


def instrument_engine(engine: Any) -> None:
    """A span per SQL statement, while spans are recorded (a test, or an exporter)."""
    if not tracing_recorded():
        return
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)


class MetricsMiddleware:
    """Request count and latency per route template, as plain ASGI.

    Was a ``BaseHTTPMiddleware``, which runs the rest of the app in a separate task with
    a memory stream for the body: a few percent of a small request's CPU (ADR 0017). The
    labelled children are cached: ``labels()`` builds and hashes a key on every call.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service
        self._latency: dict[tuple[str, str], Any] = {}
        self._requests: dict[tuple[str, str, int], Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            redact_span(scope)
            route = scope_route(scope)
            method = scope["method"]
            latency = self._latency.get((method, route))
            if latency is None:
                latency = self._latency[(method, route)] = LATENCY.labels(
                    self.service, method, route
                )
            latency.observe(time.perf_counter() - start)
            counter = self._requests.get((method, route, status))
            if counter is None:
                counter = self._requests[(method, route, status)] = REQUESTS.labels(
                    self.service, method, route, str(status)
                )
            counter.inc()


def redact_span(scope: Scope) -> None:
    """The request's server span records its path and query without credentials (a
    device's token in the path, the stream's ``?ticket=``): :func:`sc_core.errors.redacted_target`'s
    rule, applied before the span ends and is exported. Nothing to do while spans are
    not recorded (no exporter)."""
    span = getattr(scope.get("fastapi.telemetry"), "span", None)
    if span is None or not span.is_recording():
        return
    target = redacted_target(scope)
    path, _, query = target.partition("?")
    if path != scope["path"]:
        span.set_attribute("url.path", path)
    if query != scope.get("query_string", b"").decode("latin-1"):
        span.set_attribute("url.query", query)


def scope_route(scope: Scope) -> str:
    """The ``route`` label: what the app set as ``metrics_route`` in the request's state
    (the gateway: the upstream's path template), else the matched route's template."""
    chosen = scope.get("state", {}).get("metrics_route")
    if chosen:
        return str(chosen)
    path = getattr(scope.get("route"), "path", None)
    if path is None or "{path:path}" in path:
        return UNMATCHED
    return str(path)


def metrics_route(request: Request) -> str:
    """:func:`scope_route` of a request."""
    return scope_route(request.scope)


# set by sc_core.workers when the supervisor of HTTP_WORKERS > 1 serves METRICS_PORT
SUPERVISOR_SERVES_METRICS = "SC_WORKERS_METRICS_IN_SUPERVISOR"


def metrics_response() -> Response:
    """This process's metrics; with several workers (``PROMETHEUS_MULTIPROC_DIR``, set by
    sc_core.workers) the sum of all of them, whichever worker answers."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import CollectorRegistry, multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class MetricsServer:
    """``/metrics`` on a port of its own (``METRICS_PORT``), served by prometheus_client
    in a thread; the API port then has no ``/metrics``."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._server: Any = None

    def start(self) -> None:
        from prometheus_client import start_http_server

        self._server, _thread = start_http_server(self.port, addr=self.host)

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


ReadinessCheck = Callable[[], Awaitable[None]]


def health_router(checks: dict[str, ReadinessCheck], *, metrics: bool = True) -> APIRouter:
    """``/healthz`` (the process lives), ``/readyz`` (its dependencies answer), and
    ``/metrics`` unless they are served on a port of their own (``metrics=False``)."""
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await check()
                results[name] = "ok"
            except Exception as exc:
                results[name] = f"failed: {type(exc).__name__}: {exc}"[:300]
        if all(v == "ok" for v in results.values()):
            return Response(
                json.dumps({"status": "ready", "checks": results}),
                media_type="application/json",
            )
        return problem_response(
            Problem(
                503,
                "service.not_ready",
                "A dependency does not answer",
                zh="服务尚未就绪，请稍后重试",
                checks=results,
            ),
            request,
        )

    if metrics:

        @router.get("/metrics", include_in_schema=False)
        async def metrics_endpoint() -> Response:
            return metrics_response()

    return router
