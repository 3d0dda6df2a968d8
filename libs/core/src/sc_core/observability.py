"""Traces, JSON logs with the trace id, Prometheus metrics, health and readiness.

Traces: OpenTelemetry for FastAPI, httpx, SQLAlchemy and the event bus (consumer spans
continue the producer's trace from Kafka headers). Spans go to OTLP when
``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.middleware.base import BaseHTTPMiddleware

from sc_core.errors import Problem, problem_response
from sc_core.settings import ServiceSettings

REQUESTS = Counter("http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

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


def setup_tracing(
    settings: ServiceSettings, *, extra_processor: SpanProcessor | None = None
) -> TracerProvider:
    """Install the process-wide tracer provider once; later calls return it."""
    global _provider_installed
    current = trace.get_tracer_provider()
    if _provider_installed and isinstance(current, TracerProvider):
        if extra_processor is not None:
            current.add_span_processor(extra_processor)
        return current
    provider = TracerProvider(
        resource=Resource.create({"service.name": settings.service_name}),
        sampler=ParentBased(TraceIdRatioBased(settings.otel_sample_ratio)),
    )
    if settings.otel_exporter_otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    if extra_processor is not None:
        provider.add_span_processor(extra_processor)
    trace.set_tracer_provider(provider)
    _provider_installed = True
    return provider


def instrument_app(app: FastAPI, settings: ServiceSettings) -> None:
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")
    HTTPXClientInstrumentor().instrument()
    app.add_middleware(MetricsMiddleware, service=settings.service_name)


def instrument_engine(engine: Any) -> None:
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    SQLAlchemyInstrumentor().instrument(engine=engine.sync_engine)


class MetricsMiddleware(BaseHTTPMiddleware):
    def __init__(self, app: Any, service: str) -> None:
        super().__init__(app)
        self.service = service

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        start = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        LATENCY.labels(self.service, request.method, path).observe(time.perf_counter() - start)
        REQUESTS.labels(self.service, request.method, path, str(response.status_code)).inc()
        return response


ReadinessCheck = Callable[[], Awaitable[None]]


def health_router(checks: dict[str, ReadinessCheck]) -> APIRouter:
    """``/healthz`` (the process lives), ``/readyz`` (its dependencies answer), ``/metrics``."""
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
            Problem(503, "service.not_ready", "A dependency does not answer", checks=results),
            request,
        )

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
