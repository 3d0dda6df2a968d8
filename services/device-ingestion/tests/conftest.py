"""Fixtures: the service on a fresh database and its own topics on the test broker,
tokens from a local issuer served over a real JWKS endpoint."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from asgi_lifespan import LifespanManager
from device_ingestion.config import Settings
from device_ingestion.main import create_app
from di_helpers import Harness

from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_devinfra.postgres import create_database, drop_database
from sc_devinfra.topics import create_topic


@pytest.fixture(scope="session")
def issuer() -> LocalIssuer:
    return LocalIssuer()


@pytest.fixture(scope="session")
def jwks_url(issuer: LocalIssuer) -> Iterator[str]:
    with JWKSServer(issuer) as server:
        yield server.url


def make_settings(
    database_url: str, bootstrap: str, idempotence: bool, jwks_url: str, **overrides: object
) -> Settings:
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, object] = {
        "database_url": database_url,
        "kafka_bootstrap_servers": bootstrap,
        "kafka_enable_idempotence": idempotence,
        "jwks_url": jwks_url,
        "telemetry_topic": f"telemetry.readings.t{suffix}",
        "status_topic": f"device.status.t{suffix}",
        "audit_topic": f"audit.records.t{suffix}",
        "command_topic": f"device.commands.t{suffix}",
        "passage_topic": f"access.passages.t{suffix}",
        "command_result_topic": f"device.command-results.t{suffix}",
        "storage_max_batch": 2000,
        "status_sweep_interval_s": 3600,
        "command_sweep_interval_s": 3600,
        "mqtt_embedded": False,
        "mqtt_embedded_port": 0,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def start_harness(settings: Settings, issuer: LocalIssuer) -> AsyncIterator[Harness]:
    topics = (settings.telemetry_topic, settings.status_topic, settings.audit_topic)
    for topic in (*topics, settings.command_topic, settings.passage_topic):
        await create_topic(settings.kafka_bootstrap_servers, topic, partitions=2)
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        Harness.open(app, issuer) as harness,
    ):
        yield harness


@pytest.fixture(scope="module")
def module_database_url(postgres_url: str) -> Iterator[str]:
    """A database for one test module (the service starts once per module)."""
    name = f"di_{uuid.uuid4().hex[:12]}"
    url = create_database(postgres_url, name)
    try:
        yield url
    finally:
        drop_database(postgres_url, name)


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> AsyncIterator[Harness]:
    """The service, started once per module; tests keep apart by community."""
    settings = make_settings(module_database_url, kafka_bootstrap, kafka_idempotence, jwks_url)
    async for h in start_harness(settings, issuer):
        yield h


@pytest.fixture
def community() -> str:
    """A community of this test alone."""
    return f"c-{uuid.uuid4().hex[:10]}"
