"""Builds a service's FastAPI app with everything every service has.

``Runtime`` holds what a service runs on (database, producer, relay, consumers,
periodic jobs), built once and eagerly in the service's composition; ``create_service_app``
wires problem+json errors, JSON logs and traces, metrics,
``/healthz`` and ``/readyz``, the database (created and migrated on start in dev), the
outbox relay, the event consumers and the JWKS verifier. A service adds
its routers and consumers; nothing else is repeated per service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI
from sqlalchemy import MetaData

from sc_contracts.events import EventData
from sc_core import failpoints
from sc_core.bus.batch import BatchConsumer, BatchHandler
from sc_core.bus.consumer import EventConsumer
from sc_core.bus.feeds import GROUP_SUFFIX, FeedGroup
from sc_core.bus.outbox import OutboxRelay
from sc_core.bus.producer import ProducerHandle
from sc_core.caching import NoStoreMiddleware
from sc_core.db.engine import Database, create_database_if_missing
from sc_core.db.migrate import upgrade
from sc_core.db.tables import new_metadata, platform_tables
from sc_core.db.uow import Outbound
from sc_core.errors import install_problem_handlers
from sc_core.kafka import kafka_client_options
from sc_core.limits import RequestLimitsMiddleware
from sc_core.net import TrustedProxies
from sc_core.observability import (
    SUPERVISOR_SERVES_METRICS,
    TELEMETRY,
    MetricsServer,
    TracedApp,
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


class Resource(Protocol):
    """Something a service opens at start and closes at stop (an object store, a client)."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class Runtime:
    """What a running service holds, built once from its settings and the tables of its
    database; reachable as ``request.app.state.runtime``.

    Nothing here connects when built: the engine connects on first use, the producer on
    first send, the relay and the consumers when the service starts (after its
    migrations). So ``main.py`` builds it first and everything else from it, in order::

        runtime = Runtime(settings, metadata)
        cases = Cases(runtime.db)                       # typed, complete, no None
        consumers.register(runtime, cases)              # runtime.consumer(...).on(Model)
        runtime.every(30, "sla-sweeper", sla.sweep)
        app = create_service_app(settings, title=..., runtime=runtime, ...)
    """

    def __init__(self, settings: ServiceSettings, metadata: MetaData | None = None) -> None:
        self.settings = settings
        self.has_database = metadata is not None
        self.metadata = metadata if metadata is not None else new_metadata()
        self.db = Database(
            settings.database_url,
            platform_tables(self.metadata),
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            outbound=Outbound(settings.service_name, settings.topic),
        )
        self.producer = ProducerHandle.from_settings(settings)
        self.relay = OutboxRelay(
            self.db,
            self.producer,
            service=settings.service_name,
            batch_size=settings.outbox_batch_size,
            poll_interval=settings.outbox_poll_interval_ms / 1000,
            idle_poll_interval=settings.outbox_idle_poll_interval_ms / 1000,
        )
        self.consumers: list[EventConsumer] = []  # the feeds, each as registered
        self._plain: list[EventConsumer] = []  # feeds with no options of their own
        self._members: list[EventConsumer] | None = None
        self.batch_consumers: list[BatchConsumer] = []
        self._plain_batches: list[BatchConsumer] = []  # no options: carried (ADR 0083)
        self.tasks: list[asyncio.Task[None]] = []
        self._jobs: list[tuple[float, str, Callable[[], Awaitable[Any]]]] = []
        self._started = False
        self.instrumented = False

    def consumer(
        self, *, name: str, topics: list[str] | None = None, **options: Any
    ) -> EventConsumer:
        """A consumer of this service with its inbox and DLQ wired in. ``topics`` may be
        left out: registering a model (``.on(AlarmRaisedV1)``) subscribes to its topic.
        A feed without options of its own shares the service's one group member
        (:meth:`members`, ADR 0070)."""
        if name == GROUP_SUFFIX:
            raise ValueError(f"{name!r} names the shared group; give the feed another name")
        plain = not options
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
            topic_for=self.settings.topic,
            **options,
        )
        self.consumers.append(consumer)
        if plain:
            self._plain.append(consumer)
        return consumer

    def members(self) -> list[EventConsumer]:
        """The consumers that join groups when the service starts: one :class:`FeedGroup`
        carrying every plain feed and every plain batch consumer (ADR 0083; when there are
        two or more and ``KAFKA_FEEDS_SHARE_GROUP`` is on), then each feed with options of
        its own. Batch consumers with options of their own start on their own (the
        lifespan starts every batch consumer; a carried one's start does nothing).
        Decided once, at the first start (every feed is registered by then)."""
        if self._members is None:
            on = self.settings.kafka_feeds_share_group
            shared = self._plain if on else []
            batches = self._plain_batches if on else []
            if len(shared) + len(batches) < 2:
                self._members = list(self.consumers)
            else:
                group = FeedGroup(
                    feeds=shared,
                    batches=batches,
                    name=GROUP_SUFFIX,
                    bootstrap_servers=self.settings.kafka_bootstrap_servers,
                    group_id=f"{self.settings.consumer_group}.{GROUP_SUFFIX}",
                    db=self.db,
                    dlq_producer=self.producer,
                    client_options=kafka_client_options(self.settings),
                    topic_for=self.settings.topic,
                )
                self._members = [group, *(c for c in self.consumers if c not in shared)]
        return self._members

    def batch_consumer(
        self,
        *,
        name: str,
        handler: BatchHandler,
        topics: list[str] | None = None,
        event_types: Collection[str] | None = None,
        model: type[EventData] | None = None,
        **options: Any,
    ) -> BatchConsumer:
        """A consumer of this service that takes whole polls in one transaction (no inbox:
        the handler is idempotent by its own keys); started and stopped with the service.
        With ``model`` the handler gets the decoded models (the fast path) and the topic
        defaults to the model's. One without options of its own rides the service's
        shared group member (:meth:`members`, ADR 0083)."""
        plain = not options
        consumer = BatchConsumer(
            name=name,
            db=self.db,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            topics=topics,
            group_id=options.pop("group_id", None) or f"{self.settings.consumer_group}.{name}",
            dlq_producer=self.producer,
            handler=handler,
            event_types=event_types,
            model=model,
            max_retries=self.settings.kafka_max_retries,
            retry_backoff=self.settings.kafka_retry_backoff_ms / 1000,
            client_options=kafka_client_options(self.settings),
            topic_for=self.settings.topic,
            **options,
        )
        self.batch_consumers.append(consumer)
        if plain:
            self._plain_batches.append(consumer)
        return consumer

    def every(self, seconds: float, name: str, job: Callable[[], Awaitable[Any]]) -> None:
        """Run ``job`` every ``seconds`` while the service runs (first run after one wait).

        Declared in the composition (before start) or from an ``on_start`` hook. A
        failing run is logged and the next one goes ahead; a job that must not run twice
        at once across replicas takes its own advisory lock.
        """
        if self._started:
            self._start_job(seconds, name, job)
        else:
            self._jobs.append((seconds, name, job))

    def _start_job(self, seconds: float, name: str, job: Callable[[], Awaitable[Any]]) -> None:
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

    def start_jobs(self) -> None:
        self._started = True
        for seconds, name, job in self._jobs:
            self._start_job(seconds, name, job)

    async def stop_tasks(self) -> None:
        """Cancel the periodic tasks and wait for them to end."""
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks.clear()
        self._started = False


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
    runtime: Runtime | None = None,
    migrations_dir: Path | None = None,
    routers: Sequence[APIRouter] = (),
    resources: Sequence[Resource] = (),
    on_start: Sequence[Hook] = (),
    on_stop: Sequence[Hook] = (),
    readiness: Mapping[str, Callable[[], Awaitable[None]]] | None = None,
    version: str = "0.1.0",
) -> FastAPI:
    """The service's app around ``runtime`` (built by the service's composition, with its
    metadata, consumers and jobs; without one, an app with no database: a gateway-like
    process, a test).

    On start: the database is created (dev) and migrated (not in production), the relay,
    the ``resources``, the consumers and the periodic jobs start, then ``on_start``; on
    stop the same in reverse.
    """
    failpoints.check_allowed(settings.environment)
    setup_logging(settings)
    setup_tracing(settings)
    configure_cipher(settings)
    rt = runtime if runtime is not None else Runtime(settings)

    # with HTTP_WORKERS > 1 the supervisor serves the metrics port for every worker
    # (sc_core.workers); a worker neither binds it nor serves /metrics on the API port
    metrics_server = (
        MetricsServer(settings.http_host, settings.metrics_port)
        if settings.metrics_port and not os.environ.get(SUPERVISOR_SERVES_METRICS)
        else None
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        install_task_dump()
        if metrics_server is not None:
            metrics_server.start()
        if rt.has_database:
            if settings.database_auto_create:
                await create_database_if_missing(settings.database_url)
            if migrations_dir is not None and settings.environment != "production":
                await upgrade(migrations_dir, settings.database_url)
            if not rt.instrumented:
                instrument_engine(rt.db.engine)
                rt.instrumented = True
            await rt.relay.start()
        revocations = None
        if settings.jwks_url:
            from sc_core.auth import JWKSVerifier
            from sc_core.auth.revocation import follow_revocations

            app.state.jwks_verifier = JWKSVerifier.from_settings(settings)
            revocations = await follow_revocations(settings, app.state.jwks_verifier)
        for resource in resources:
            await resource.start()
        for consumer in rt.members():
            await consumer.start()
        for batch_consumer in rt.batch_consumers:
            await batch_consumer.start()
        rt.start_jobs()
        for hook in on_start:
            await hook(rt)
        log.info("%s started", settings.service_name)
        try:
            yield
        finally:
            await rt.stop_tasks()
            for hook in on_stop:
                await hook(rt)
            if revocations is not None:
                await revocations.close()
            verifier = getattr(app.state, "jwks_verifier", None)
            if verifier is not None:
                await verifier.aclose()
            for consumer in rt.members():
                await consumer.stop()
            for batch_consumer in rt.batch_consumers:
                await batch_consumer.stop()
            for resource in reversed(resources):
                with contextlib.suppress(Exception):
                    await resource.close()
            if rt.has_database:
                await rt.relay.stop()
            await rt.producer.close()
            await rt.db.dispose()
            if metrics_server is not None:
                metrics_server.stop()

    # the interactive docs are a developer's page: not on a production service's port
    # (ADR 0025); /openapi.json stays, the gateway learns the service's routes from it
    docs = settings.environment != "production"
    app = TracedApp(
        title=title,
        version=version,
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        generate_unique_id_function=operation_id,
        telemetry=TELEMETRY,
    )
    install_openapi(app)
    app.state.runtime = rt
    app.state.settings = settings
    app.state.trusted_proxies = TrustedProxies(settings.forwarded_allow_ips)
    install_problem_handlers(app)
    instrument_app(app, settings)
    app.add_middleware(
        RequestLimitsMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_json_depth=settings.max_json_depth,
    )
    app.add_middleware(NoStoreMiddleware)

    checks: dict[str, Callable[[], Awaitable[None]]] = {}
    if rt.has_database:
        checks["database"] = rt.db.ping

    async def _broker() -> None:
        await _broker_ready(rt.producer)

    checks["broker"] = _broker

    async def _consumers() -> None:
        every = [*rt.consumers, *rt.batch_consumers]
        dead = [c.name for c in every if not c.alive]
        if dead:
            raise RuntimeError(f"consumers not running: {', '.join(dead)}")

    checks["consumers"] = _consumers
    checks.update(readiness or {})  # a service's own dependencies (e.g. its MQTT broker)
    app.include_router(health_router(checks, metrics=not settings.metrics_port))
    for router in routers:
        app.include_router(router)
    return app
