"""pytest fixtures for real infrastructure (registered as the `sc_devinfra` pytest11 plugin).

Session fixtures, one set per pytest-xdist worker (each worker is its own session), or
shared servers named by environment variables (what `python -m sc_devinfra.servers up`
writes, so a Makefile starts them once per run):

* ``kafka_bootstrap`` -> "host:port" of Apache Kafka: ``KAFKA_BOOTSTRAP_SERVERS``; else a
  testcontainers Kafka when a Docker daemon answers; else a 1-broker `KafkaCluster` (KRaft)
  started for this worker.
* ``kafka_idempotence`` -> True (idempotent producers, as in production), unless
  ``KAFKA_ENABLE_IDEMPOTENCE`` says otherwise for a broker of your own.
* ``apache_kafka`` -> the same broker as ``kafka_bootstrap`` (one broker per run).
* ``apache_kafka_cluster`` -> a 3-broker `KafkaCluster`, started only when a test asks;
  before each test every stopped broker is started again.
* ``secured_kafka`` -> a `SecuredKafka`: a 1-broker Apache Kafka of its own with SASL_SSL
  (SCRAM-SHA-512, PLAIN), a throwaway CA and ``StandardAuthorizer``, started only when a
  test asks, once per worker; principals and ACLs are the tests' to create
  (``sc_contracts.acls``), each test module with principal names of its own.
* ``postgres_url`` -> server URL (SQLAlchemy asyncpg form): ``DATABASE_URL``; else a
  testcontainers PostgreSQL when Docker answers; else an `EmbeddedPostgres`.
* ``fresh_database_url`` (function) -> URL of a new, uniquely named database, dropped after.
* ``module_database_url`` (module) -> the same, shared by one test module.
* ``issuer`` (session) -> a `sc_core.auth.testing.LocalIssuer` that signs test tokens;
  ``jwks_url`` (session) -> its keys served by a real loopback JWKS endpoint.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sc_devinfra.apache_kafka import KafkaCluster, SecuredKafka
from sc_devinfra.postgres import (
    EmbeddedPostgres,
    create_database,
    drop_database,
    to_asyncpg_url,
    url_for_database,
)
from sc_devinfra.topics import create_topic

__all__ = ["create_topic", "docker_available"]

log = logging.getLogger(__name__)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@functools.cache
def docker_available() -> bool:
    """True when a Docker daemon answers (testcontainers' own client, one ping)."""
    if os.environ.get("SC_DEVINFRA_NO_DOCKER", "").lower() in _TRUE:
        return False
    try:
        from docker.errors import DockerException
        from testcontainers.core.docker_client import DockerClient
    except ImportError:
        return False
    try:
        DockerClient().client.ping()
    except (DockerException, OSError) as exc:
        log.info("no Docker daemon (%s): using embedded servers", exc)
        return False
    return True


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "apache_kafka: tests of Apache Kafka itself (every broker here is Apache Kafka)"
    )


# Garbage is collected on the test's own thread, between tests, never by whichever thread
# happens to allocate. An app whose lifespan a test abandoned (an `async for` over a harness
# left by an exception, a server thread that outlived its join) is a cycle of a pending task
# and its coroutine; collected by a worker thread (alembic's, a server's), closing that
# coroutine runs the app's shutdown code on the wrong thread, against a loop and asyncpg
# and greenlet state owned by another. CI saw exactly that as a segfault of an xdist worker
# (the frames: a migration building a Table in `asyncio.to_thread`, the GC closing a
# FastAPI lifespan coroutine, its asyncgen hook writing to another loop's self-pipe).
# Freezing what import and collection built keeps each collection small.
@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    if os.environ.get("SC_TEST_GC", "").lower() == "auto":
        return
    gc.collect()
    gc.freeze()
    gc.disable()


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    yield
    if not gc.isenabled():
        gc.collect()


@dataclass(frozen=True)
class KafkaEndpoint:
    bootstrap: str
    kind: str  # "env", "testcontainers" or "apache"


@pytest.fixture(scope="session")
def _sc_kafka_endpoint() -> Iterator[KafkaEndpoint]:
    env = os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or os.environ.get(
        "APACHE_KAFKA_BOOTSTRAP_SERVERS"
    )
    if env:
        yield KafkaEndpoint(env, "env")
    elif docker_available():
        from testcontainers.community.kafka import KafkaContainer

        with KafkaContainer().with_kraft() as container:
            yield KafkaEndpoint(container.get_bootstrap_server(), "testcontainers")
    else:
        with KafkaCluster(brokers=1, base_dir=_tmp(f"sc-kafka1-{_worker()}-")) as cluster:
            yield KafkaEndpoint(cluster.bootstrap, "apache")


@pytest.fixture(scope="session")
def kafka_bootstrap(_sc_kafka_endpoint: KafkaEndpoint) -> str:
    """ "host:port" of an Apache Kafka broker for this session."""
    return _sc_kafka_endpoint.bootstrap


@pytest.fixture(scope="session")
def kafka_idempotence() -> bool:
    """Whether producers use `enable_idempotence=True`: yes, unless told otherwise."""
    return os.environ.get("KAFKA_ENABLE_IDEMPOTENCE", "").strip().lower() not in _FALSE


@pytest.fixture(scope="session")
def apache_kafka(kafka_bootstrap: str) -> str:
    """Bootstrap of a real Apache Kafka: the same broker as `kafka_bootstrap`."""
    return kafka_bootstrap


@pytest.fixture(scope="session")
def _sc_kafka_cluster3() -> Iterator[KafkaCluster]:
    with KafkaCluster(brokers=3, base_dir=_tmp(f"sc-kafka3-{_worker()}-")) as cluster:
        yield cluster


@pytest.fixture
def apache_kafka_cluster(_sc_kafka_cluster3: KafkaCluster) -> KafkaCluster:
    """A 3-broker Apache Kafka (RF 3, min.insync.replicas 2), all brokers up."""
    _sc_kafka_cluster3.start()
    return _sc_kafka_cluster3


@pytest.fixture(scope="session")
def secured_kafka() -> Iterator[SecuredKafka]:
    """A 1-broker Apache Kafka that authenticates (SASL_SSL) and authorizes (ACLs)."""
    secured = SecuredKafka.start(_tmp(f"sc-kafka-secured-{_worker()}-"))
    try:
        yield secured
    finally:
        secured.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy asyncpg URL of a PostgreSQL server (its `postgres` database)."""
    env = os.environ.get("DATABASE_URL")
    if env:
        yield to_asyncpg_url(env)
    elif docker_available():
        from testcontainers.community.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver="asyncpg") as container:
            yield url_for_database(container.get_connection_url(), "postgres")
    else:
        base = _tmp(f"sc-pg-{_worker()}-")
        try:
            with EmbeddedPostgres(base / "data") as server:
                yield server.url
        finally:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def fresh_database_url(postgres_url: str) -> Iterator[str]:
    """A new database on `postgres_url`'s server, dropped after the test."""
    name = f"t_{_worker()}_{uuid.uuid4().hex[:12]}".replace("-", "_")
    url = create_database(postgres_url, name)
    try:
        yield url
    finally:
        drop_database(postgres_url, name)


def _tmp(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


@pytest.fixture(scope="module")
def module_database_url(postgres_url: str) -> Iterator[str]:
    """A new database on `postgres_url`'s server for one test module, dropped after."""
    name = f"m_{_worker()}_{uuid.uuid4().hex[:12]}".replace("-", "_")
    url = create_database(postgres_url, name)
    try:
        yield url
    finally:
        drop_database(postgres_url, name)


@pytest.fixture(scope="session")
def issuer() -> Any:
    """Signs access tokens as identity would (``issuer.bearer(subject, grants=...)``)."""
    from sc_core.auth.testing import LocalIssuer

    return LocalIssuer()


@pytest.fixture(scope="session")
def jwks_url(issuer: Any) -> Iterator[str]:
    """URL of a real loopback JWKS endpoint serving `issuer`'s keys."""
    from sc_core.auth.testing import JWKSServer

    with JWKSServer(issuer) as server:
        yield server.url
