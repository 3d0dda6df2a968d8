"""Property-based fuzz of identity's OpenAPI (schemathesis): no input gets a 5xx.

identity runs in a real uvicorn server on 127.0.0.1 (its own thread and event loop) on a
fresh database with the demo loaded; every operation is called with generated inputs, as
an account holding platform_admin, community_admin and police grants, so most requests
get past authorisation into the handlers. Bounded: a few examples per operation.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from identity.config import Settings
from identity.db.models import metadata
from identity.demo import load_demo
from identity.main import create_app
from identity_kit import PASSWORD

from sc_core.db import Database, platform_tables

EXAMPLES = 6


@pytest.fixture
def server(make_settings: Callable[..., Settings]) -> Iterator[str]:
    app = create_app(make_settings(login_address_max_failures=10_000))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "identity did not start"
        time.sleep(0.05)
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    asyncio.run(_demo(app.state.settings.database_url))
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


async def _demo(url: str) -> None:
    db = Database(url, platform_tables(metadata), pool_size=1)
    try:
        await load_demo(db, PASSWORD)
    finally:
        await db.dispose()


def fuzzer_token(base: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as client:
        login = {"username": "platform_admin", "password": PASSWORD}
        admin = client.post("/api/v1/auth/token", json=login).json()["access_token"]
        community = client.get(
            "/api/v1/communities", headers={"Authorization": f"Bearer {admin}"}
        ).json()["items"][0]["id"]
        grants = [
            {"role": "platform_admin", "scope_type": "platform", "scope_id": "*"},
            {"role": "community_admin", "scope_type": "community", "scope_id": community},
            {"role": "police", "scope_type": "community", "scope_id": community},
        ]
        body = {
            "username": "fuzzer",
            "display_name": "fuzzer",
            "password": PASSWORD,
            "grants": grants,
        }
        created = client.post(
            "/api/v1/accounts", json=body, headers={"Authorization": f"Bearer {admin}"}
        )
        assert created.status_code == 201, created.text
        login = {"username": "fuzzer", "password": PASSWORD}
        return str(client.post("/api/v1/auth/token", json=login).json()["access_token"])


def test_no_generated_request_gets_a_server_error(server: str) -> None:
    token = fuzzer_token(server)
    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 60
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
                    f"{case.body!r:.200} {case.query!r:.200}"
                )

        call()
    assert failures == []
