"""Property-based fuzz of the work-orders OpenAPI (schemathesis): no input gets a 5xx.

The service runs in a real uvicorn server on 127.0.0.1 (its own thread and event loop) on
a fresh database; every operation is called with generated inputs as a caller holding
platform_admin, a community staff grant and a household grant, so most requests get past
authorisation into the handlers. Bounded: a few examples per operation.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings

from sc_contracts.events import AuditRecordedV1
from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer
from sc_devinfra.topics import create_topic
from wo_helpers import TOPICS, make_settings
from work_orders.main import create_app

EXAMPLES = 5


@pytest.fixture
def server(
    fresh_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    tmp_path: Path,
) -> Iterator[str]:
    s = make_settings(
        fresh_database_url,
        kafka_bootstrap,
        kafka_idempotence,
        jwks_url,
        attachment_dir=tmp_path / "attachments",
    )

    async def topics() -> None:
        for topic in [*TOPICS, AuditRecordedV1.topic]:
            await create_topic(kafka_bootstrap, s.topic(topic), partitions=1)

    asyncio.run(topics())
    app = create_app(s)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "work-orders did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def test_no_generated_request_gets_a_server_error(server: str, issuer: LocalIssuer) -> None:
    token = issuer.issue(
        "fuzzer",
        grants=[
            Grant("platform_admin", "platform", "*"),
            Grant("property_manager", "community", "c-fuzz"),
            Grant("resident", "household", "hh-fuzz"),
        ],
        ttl=3600,
    )
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 19
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: schemathesis.Case) -> None:
            response = case.call(base_url=server, headers={"Authorization": f"Bearer {token}"})
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{case.body!r:.200} {case.query!r:.200} {response.text[:200]}"
                )

        call()
    assert failures == []
