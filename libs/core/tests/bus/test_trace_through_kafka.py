"""A trace started by an HTTP request is found on the consumer's span."""

from __future__ import annotations

import uuid

from asgi_lifespan import LifespanManager
from fastapi import APIRouter, Request
from httpx import ASGITransport, AsyncClient
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from bushelpers import (
    Broker,
    Happened,
    effect_counts,
    make_event,
    metadata,
    record_effect,
    wait_until,
)
from sc_core.db import Database
from sc_core.observability import setup_tracing
from sc_core.service import Runtime, create_service_app
from sc_core.settings import ServiceSettings
from sc_devinfra.pytest_plugin import create_topic


async def test_trace_id_follows_request_through_outbox_and_kafka(
    broker: Broker, db: Database, fresh_database_url: str
) -> None:
    exporter = InMemorySpanExporter()
    topic = f"test.trace-{uuid.uuid4().hex[:8]}.v1"
    await create_topic(broker.bootstrap, topic, partitions=1)
    await create_topic(broker.bootstrap, f"{topic}.dlq", partitions=1)
    settings = ServiceSettings(
        service_name="trace-test",
        kafka_bootstrap_servers=broker.bootstrap,
        kafka_enable_idempotence=broker.idempotence,
        database_url=fresh_database_url,
        topic_names={Happened.topic: topic},
    )
    setup_tracing(settings, extra_processor=SimpleSpanProcessor(exporter))

    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create_thing(request: Request) -> dict[str, str]:
        runtime: Runtime = request.app.state.runtime
        assert runtime.db is not None
        event = make_event(1)
        async with runtime.db.uow() as uow:
            await uow.publish(topic, event)
            await uow.commit()
        return {"event_id": event.id}

    runtime = Runtime(settings, metadata)
    runtime.consumer(name="tracer").on(Happened, envelope=True)(record_effect)
    app = create_service_app(settings, title="trace test", runtime=runtime, routers=[router])
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client,
    ):
        response = await client.post("/things")
        assert response.status_code == 201
        await wait_until(lambda: _one_effect(db))

    server_spans = [
        s
        for s in exporter.get_finished_spans()
        if s.kind == SpanKind.SERVER and "/things" in s.name
    ]
    consumer_spans = [
        s
        for s in exporter.get_finished_spans()
        if s.kind == SpanKind.CONSUMER and s.name == f"{topic} process"
    ]
    assert len(server_spans) == 1
    assert len(consumer_spans) == 1
    assert consumer_spans[0].context.trace_id == server_spans[0].context.trace_id
    assert consumer_spans[0].attributes["messaging.message.id"] == response.json()["event_id"]
    # the request's own SQL is traced too (OpenTelemetry SQLAlchemy instrumentation)
    db_spans = [
        s
        for s in exporter.get_finished_spans()
        if s.context.trace_id == server_spans[0].context.trace_id
        and (s.attributes or {}).get("db.system") == "postgresql"
    ]
    assert db_spans, "no database span in the request's trace"


async def _one_effect(db: Database) -> bool:
    rows, _ = await effect_counts(db)
    return rows >= 1
