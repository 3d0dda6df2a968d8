"""W3C trace context over Kafka headers."""

from __future__ import annotations

from collections.abc import Iterable

from opentelemetry import context, propagate
from opentelemetry.context import Context


def current_trace_headers() -> dict[str, str]:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from_headers(headers: Iterable[tuple[str, bytes]] | dict[str, str] | None) -> Context:
    carrier: dict[str, str] = {}
    if isinstance(headers, dict):
        carrier = dict(headers)
    elif headers:
        for name, value in headers:
            if name in ("traceparent", "tracestate") and value is not None:
                carrier[name] = value.decode("latin-1")
    return propagate.extract(carrier, context=context.Context())
