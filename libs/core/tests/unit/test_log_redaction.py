"""Credentials never reach the log or a trace span: a device's token in the path stays its
placeholder, the stream's ``?ticket=`` (or an ``?access_token=`` a client tries) reads
``REDACTED`` (issue 19). The process writes no access log (uvicorn's is off); what names a
request is the error log and the server span, and both are read here as they are shipped."""

from __future__ import annotations

import io
import json
import logging

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from sc_core.errors import install_problem_handlers, redacted_query
from sc_core.observability import TELEMETRY, JsonFormatter, MetricsMiddleware, setup_tracing
from sc_core.settings import ServiceSettings

SECRET = "S3cretTok"


def _app() -> FastAPI:
    app = FastAPI(telemetry=TELEMETRY)
    install_problem_handlers(app)
    app.add_middleware(MetricsMiddleware, service="redaction-test")

    @app.post("/api/v1/{device_token}/telemetry")
    async def telemetry(device_token: str) -> dict[str, str]:
        raise RuntimeError("the store broke")

    @app.get("/api/v1/stream")
    async def stream(ticket: str | None = None) -> dict[str, str]:
        raise RuntimeError("the hub broke")

    return app


async def test_the_error_log_and_the_span_name_no_credential() -> None:
    exporter = InMemorySpanExporter()
    setup_tracing(ServiceSettings(), extra_processor=SimpleSpanProcessor(exporter))
    shipped = io.StringIO()
    handler = logging.StreamHandler(shipped)
    handler.setFormatter(JsonFormatter("redaction-test"))
    logging.getLogger("sc_core").addHandler(handler)
    try:
        transport = ASGITransport(app=_app(), raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://t") as client:
            reading = await client.post(f"/api/v1/{SECRET}/telemetry", json={"t": 1})
            stream = await client.get(
                f"/api/v1/stream?ticket={SECRET}&access_token={SECRET}&topic=alarms"
            )
    finally:
        logging.getLogger("sc_core").removeHandler(handler)
    assert reading.status_code == 500 and stream.status_code == 500
    assert SECRET not in reading.text and SECRET not in stream.text

    lines = [json.loads(line) for line in shipped.getvalue().splitlines()]
    messages = [line["message"] for line in lines]
    assert "unhandled error on POST /api/v1/{device_token}/telemetry" in messages
    assert (
        "unhandled error on GET /api/v1/stream?ticket=REDACTED&access_token=REDACTED&topic=alarms"
        in messages
    )
    assert SECRET not in shipped.getvalue()

    spans = [s for s in exporter.get_finished_spans() if s.attributes]
    recorded = {(s.attributes.get("url.path"), s.attributes.get("url.query")) for s in spans}
    assert ("/api/v1/{device_token}/telemetry", None) in recorded
    assert ("/api/v1/stream", "ticket=REDACTED&access_token=REDACTED&topic=alarms") in recorded
    assert all(SECRET not in str(dict(s.attributes or {})) for s in spans)


def test_only_credential_values_are_replaced() -> None:
    assert redacted_query("") == ""
    assert redacted_query("limit=5&ticket=abc") == "limit=5&ticket=REDACTED"
    assert redacted_query("Access_Token=x&q=a%20b&flag") == "Access_Token=REDACTED&q=a%20b&flag"
    assert redacted_query("tickets=1&ticket") == "tickets=1&ticket"
