"""The one server span of a forwarded call (ADR 0063)."""

from __future__ import annotations

from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sc_core.errors import redacted_target
from sc_core.observability import header_carrier


class ForwardSpan:
    """One server span per forwarded call, the caller's trace continued (W3C
    ``traceparent`` or whatever ``OTEL_PROPAGATORS`` names). While spans are not recorded
    (no exporter, ADR 0017's ``WhileExporting``) it still carries the trace id the upstream
    call's ``traceparent`` and the logs name, and nothing else is computed. A recorded
    span names the upstream's route template (``GET /api/v1/things/{thing_id}``) and the
    path and query without credentials (``sc_core.errors.redacted_target``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.tracer = trace.get_tracer("gateway")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method: str = scope["method"]
        parent = propagate.extract(header_carrier(scope))
        span = self.tracer.start_span(
            method,
            context=parent,
            kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.scheme": scope["scheme"]},
        )
        recording = span.is_recording()
        if recording:
            path, _, query = redacted_target(scope).partition("?")
            span.set_attribute("url.path", path)
            if query:
                span.set_attribute("url.query", query)
            if scope.get("http_version"):
                span.set_attribute("network.protocol.version", scope["http_version"])
        status = 0

        async def noted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        token = otel_context.attach(trace.set_span_in_context(span, parent))
        try:
            await self.app(scope, receive, noted)
        except BaseException as exc:
            if recording:
                span.set_attribute("error.type", type(exc).__qualname__)
                span.set_status(StatusCode.ERROR)
            raise
        finally:
            otel_context.detach(token)
            if recording:
                _finish(span, scope, method, status)
            span.end()


def _finish(span: Any, scope: Scope, method: str, status: int) -> None:
    template = scope.get("state", {}).get("metrics_route")
    if template:
        span.update_name(f"{method} {template}")
        span.set_attribute("http.route", template)
    if status:
        span.set_attribute("http.response.status_code", status)
    if status >= 500 or not status:
        span.set_attribute("error.type", str(status or "incomplete_response"))
        span.set_status(StatusCode.ERROR)
