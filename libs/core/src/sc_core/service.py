"""Builds a service's FastAPI app with everything every service has.

``create_service_app`` wires problem+json errors, JSON logs and traces, metrics,
``/healthz`` and ``/readyz``, the database (created and migrated on start in dev), the
outbox relay, the event consumers, the JWKS verifier and the auditor. A service adds
its routers and consumers; nothing else is repeated per service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy import MetaData

from sc_core import failpoints
from sc_core.audit import Auditor
from sc_core.bus.batch import BatchConsumer, BatchHandler
from sc_core.bus.consumer import EventConsumer
from sc_core.bus.outbox import OutboxRelay
from sc_core.bus.producer import ProducerHandle
from sc_core.db.engine import Database, create_database_if_missing
from sc_core.db.migrate import upgrade
from sc_core.db.tables import platform_tables
from sc_core.errors import install_problem_handlers
from sc_core.kafka import kafka_client_options
from sc_core.limits import RequestLimitsMiddleware
from sc_core.observability import (
    TELEMETRY,
    MetricsServer,
    health_router,
    install_task_dump,
    instrument_app,
    instrument_engine,
    setup_logging,
    setup_tracing,
)
from sc_core.openapi import install as install_openapi
from sc_core.openapi import operation_id
from sc_core.privacy import configure_cipher
from sc_core.settings import ServiceSettings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What a running service holds; reachable as ``request.app.state.runtime``."""

    settings: ServiceSettings
    db: Database | None = None
    producer: ProducerHandle | None = None
    relay: OutboxRelay | None = None
    auditor: Auditor | None = None
    consumers: list[EventConsumer] = field(default_factory=list)
    batch_consumers: list[BatchConsumer] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def consumer(self, *, name: str, topics: list[str], **options: Any) -> EventConsumer:
        """A consumer of this service with its inbox and DLQ wired in."""
        assert self.producer is not None
        consumer = EventConsumer(
            name=name,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            topics=topics,
            group_id=options.pop("group_id", None) or f"{self.settings.consumer_group}.{name}",
            db=self.db,
            dlq_producer=self.producer,
            max_retries=self.settings.kafka_max_retries,
            retry_backoff=self.settings.kafka_retry_backoff_ms / 1000,
            client_options=kafka_client_options(self.settings),
            **options,
        )
        self.consumers.append(consumer)
        return consumer

    def batch_consumer(
        self,
        *,
        name: str,
        topics: list[str],
        handler: BatchHandler,
        event_types: Collection[str] | None = None,
        **options: Any,
    ) -> BatchConsumer:
        """A consumer of this service that takes whole polls in one transaction (no inbox:
        the handler is idempotent by its own keys); started and stopped with the service."""
        assert self.producer is not None and self.db is not None
        consumer = BatchConsumer(
            name=name,
            db=self.db,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            topics=topics,
            group_id=options.pop("group_id", None) or f"{self.settings.consumer_group}.{name}",
            dlq_producer=self.producer,
            handler=handler,
            event_types=event_types,
            max_retries=self.settings.kafka_max_retries,
            retry_backoff=self.settings.kafka_retry_backoff_ms / 1000,
            client_options=kafka_client_options(self.settings),
            **options,
        )
        self.batch_consumers.append(consumer)
        return consumer

    def every(self, seconds: float, name: str, job: Callable[[], Awaitable[Any]]) -> None:
        """Run ``job`` every ``seconds`` until the service stops (first run after one wait).

        A failing run is logged and the next one goes ahead; a job that must not run twice
        at once across replicas takes its own advisory lock. Call from an ``on_start`` hook.
        """

        async def loop() -> None:
            while True:
                await asyncio.sleep(seconds)
                try:
                    await job()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("periodic task %s failed", name)

        self.tasks.append(asyncio.create_task(loop(), name=name))

    async def stop_tasks(self) -> None:
        """Cancel the periodic tasks and wait for them to end."""
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()


Hook = Callable[[Runtime], Awaitable[None]]


async def _broker_ready(producer: ProducerHandle) -> None:
    client = (await asyncio.wait_for(producer.get(), 3)).client
    await asyncio.wait_for(client.force_metadata_update(), 3)
    if not client.cluster.brokers():
        raise ConnectionError("no broker in the cluster metadata")


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    metadata: MetaData | None = None,
    migrations_dir: Path | None = None,
    routers: Sequence[APIRouter] = (),
    consumers: Callable[[Runtime], None] | None = None,
    on_start: Sequence[Hook] = (),
    on_stop: Sequence[Hook] = (),
    readiness: Mapping[str, Callable[[], Awaitable[None]]] | None = None,
    version: str = "0.1.0",
) -> FastAPI:
    failpoints.check_allowed(settings.environment)
    setup_logging(settings)
    setup_tracing(settings)
    configure_cipher(settings)
    runtime = Runtime(settings=settings)
    runtime.producer = ProducerHandle.from_settings(settings)

    metrics_server = (
        MetricsServer(settings.http_host, settings.metrics_port) if settings.metrics_port else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_task_dump()
        if metrics_server is not None:
            metrics_server.start()
        if metadata is not None:
            if settings.database_auto_create:
                await create_database_if_missing(settings.database_url)
            if migrations_dir is not None and settings.environment != "production":
                await upgrade(migrations_dir, settings.database_url)
            runtime.db = Database(
                settings.database_url,
                platform_tables(metadata),
                pool_size=settings.database_pool_size,
            )
            instrument_engine(runtime.db.engine)
            assert runtime.producer is not None
            runtime.relay = OutboxRelay(
                runtime.db,
                runtime.producer,
                service=settings.service_name,
                batch_size=settings.outbox_batch_size,
                poll_interval=settings.outbox_poll_interval_ms / 1000,
                idle_poll_interval=settings.outbox_idle_poll_interval_ms / 1000,
            )
            await runtime.relay.start()
        runtime.auditor = Auditor(settings.service_name, settings.audit_topic, runtime.db)
        if settings.jwks_url:
            from sc_core.auth import JWKSVerifier

            app.state.jwks_verifier = JWKSVerifier.from_settings(settings)
        if consumers is not None:
            consumers(runtime)
        for consumer in runtime.consumers:
            await consumer.start()
        for batch_consumer in runtime.batch_consumers:
            await batch_consumer.start()
        for hook in on_start:
            await hook(runtime)
        log.info("%s started", settings.service_name)
        try:
            yield
        finally:
            await runtime.stop_tasks()
            for hook in on_stop:
                await hook(runtime)
            verifier = getattr(app.state, "jwks_verifier", None)
            if verifier is not None:
                await verifier.aclose()
            for consumer in runtime.consumers:
                await consumer.stop()
            for batch_consumer in runtime.batch_consumers:
                await batch_consumer.stop()
            if runtime.relay is not None:
                await runtime.relay.stop()
            if runtime.producer is not None:
                await runtime.producer.close()
            if runtime.db is not None:
                await runtime.db.dispose()
            if metrics_server is not None:
                metrics_server.stop()

    app = FastAPI(
        title=title,
        version=version,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        telemetry=TELEMETRY,
    )
    install_openapi(app)
    app.state.runtime = runtime
    app.state.settings = settings
    install_problem_handlers(app)
    instrument_app(app, settings)
    app.add_middleware(
        RequestLimitsMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
    )

    checks: dict[str, Callable[[], Awaitable[None]]] = {}
    if metadata is not None:

        async def _db() -> None:
            assert runtime.db is not None
            await runtime.db.ping()

        checks["database"] = _db

    async def _broker() -> None:
        assert runtime.producer is not None
        await _broker_ready(runtime.producer)

    checks["broker"] = _broker

    async def _consumers() -> None:
        every = [*runtime.consumers, *runtime.batch_consumers]
        dead = [c.name for c in every if not c.alive]
        if dead:
            raise RuntimeError(f"consumers not running: {', '.join(dead)}")

    checks["consumers"] = _consumers
    checks.update(readiness or {})  # a service's own dependencies (e.g. its MQTT broker)
    app.include_router(health_router(checks, metrics=metrics_server is None))
    for router in routers:
        app.include_router(router)
    return app
