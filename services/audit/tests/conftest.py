"""Fixtures of the audit store's tests: a migrated database, a token issuer with a real
JWKS endpoint, a topic of their own, the audit app."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from asgi_lifespan import LifespanManager
from audit.config import Settings
from audit.db.models import tables
from audit.main import MIGRATIONS, create_app
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_core.db import Database
from sc_core.db.migrate import upgrade
from sc_devinfra.pytest_plugin import create_topic


@pytest.fixture
async def audit_db(fresh_database_url: str) -> AsyncIterator[Database]:
    await upgrade(MIGRATIONS, fresh_database_url)
    db = Database(fresh_database_url, tables, pool_size=3)
    yield db
    await db.dispose()


@pytest.fixture(scope="session")
def jwks(issuer: LocalIssuer) -> Iterator[JWKSServer]:
    with JWKSServer(issuer) as server:
        yield server


@pytest.fixture
async def audit_topic(kafka_bootstrap: str) -> str:
    """A topic of this test standing in for audit.records.v1 (and its DLQ)."""
    topic = f"test.audit-{uuid.uuid4().hex[:10]}.v1"
    await create_topic(kafka_bootstrap, topic, partitions=2)
    await create_topic(kafka_bootstrap, f"{topic}.dlq", partitions=1)
    return topic


@pytest.fixture
def audit_settings(
    fresh_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    audit_topic: str,
    jwks: JWKSServer,
) -> Settings:
    return Settings(
        database_url=fresh_database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
        kafka_consumer_group=f"audit-test-{uuid.uuid4().hex[:8]}",
        audit_topic=audit_topic,
        jwks_url=jwks.url,
        outbox_poll_interval_ms=50,
    )


@pytest.fixture
async def audit_app(audit_settings: Settings) -> AsyncIterator[FastAPI]:
    app = create_app(audit_settings)
    async with LifespanManager(app, startup_timeout=60):
        yield app


@pytest.fixture
async def audit_client(audit_app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=audit_app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://audit") as client:
        yield client
