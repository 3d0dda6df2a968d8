"""One rule for the client's address: a client that forges X-Forwarded-For / X-Real-IP
through the gateway is still known by the address the gateway saw, in identity's login
throttle and in the audit records. identity runs as a real HTTP server behind a real
gateway app (the client is 198.51.100.23 as the gateway sees it); nothing is mocked."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import uvicorn
from aiokafka import AIOKafkaConsumer
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from identity.config import Settings
from identity.main import create_app as create_identity

from gateway.app import create_app as create_gateway
from gateway.config import GatewaySettings
from sc_contracts.admin import create_topics
from sc_core.bus.cloudevents import CloudEvent
from sc_devinfra.topics import create_topic

REAL = "198.51.100.23"
NEIGHBOUR = "198.51.100.24"
MAX_FAILURES = 4


@pytest.fixture
def identity_url(
    fresh_database_url: str, kafka_bootstrap: str, kafka_idempotence: bool
) -> Iterator[tuple[str, Settings]]:
    settings = Settings(
        environment="test",
        database_url=fresh_database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
        kafka_consumer_group=f"identity-addr-{uuid.uuid4().hex[:8]}",
        audit_topic=f"audit.records.t{uuid.uuid4().hex[:8]}",
        jwks_url=None,
        jwt_signing_keys="",
        jwt_key_activation_delay_seconds=0,
        outbox_poll_interval_ms=50,
        login_address_max_failures=MAX_FAILURES,
        login_delay_base_seconds=600,  # the wait after them is far longer than the test
        log_level="WARNING",
    )

    async def topics() -> None:
        await create_topics(kafka_bootstrap)
        await create_topic(kafka_bootstrap, settings.audit_topic, partitions=1)

    asyncio.run(topics())
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(
            create_identity(settings),
            log_level="warning",
            access_log=False,
            lifespan="on",
            proxy_headers=False,  # as sc_core.cli serves every service
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "identity did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", settings
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


async def _audit_addresses(settings: Settings, expected: int) -> list[str]:
    consumer = AIOKafkaConsumer(
        settings.audit_topic,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        auto_offset_reset="earliest",
        group_id=None,
    )
    await consumer.start()
    found: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while len(found) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for messages in batch.values():
                for m in messages:
                    event = CloudEvent.from_kafka(list(m.headers or []), m.value)
                    if event.data["action"] == "auth.login":
                        found.append(str(event.data["source_ip"]))
    finally:
        await consumer.stop()
    return found


async def test_a_forged_address_is_ignored_by_the_login_throttle_and_the_audit_trail(
    identity_url: tuple[str, Settings],
) -> None:
    url, settings = identity_url
    gateway = create_gateway(
        GatewaySettings(
            upstreams={"identity": url},
            kafka_bootstrap_servers=settings.kafka_bootstrap_servers,
            rate_per_address_burst=1000,
        )
    )

    def client_at(address: str) -> AsyncClient:
        transport = ASGITransport(app=gateway, client=(address, 40000))
        return AsyncClient(transport=transport, base_url="http://gw")

    async def login(client: AsyncClient, forged: str) -> int:
        response = await client.post(
            "/api/v1/auth/token",
            json={"username": f"nobody-{uuid.uuid4().hex[:6]}", "password": "guess"},
            headers={"X-Forwarded-For": forged, "X-Real-IP": forged},
        )
        return response.status_code

    async with LifespanManager(gateway), client_at(REAL) as me, client_at(NEIGHBOUR) as other:
        # each failure claims another address: all of them count against the real one
        for n in range(MAX_FAILURES):
            assert await login(me, f"6.6.6.{n}") == 401
        assert await login(me, "6.6.6.99") == 429  # waits, whatever it claims to be
        assert await login(other, REAL) == 401  # the neighbour is not, even claiming REAL

    # each attempt audited, the one refused while it had to wait too
    addresses = await _audit_addresses(settings, MAX_FAILURES + 2)
    assert addresses.count(REAL) == MAX_FAILURES + 1
    assert addresses.count(NEIGHBOUR) == 1
    assert not [a for a in addresses if a.startswith("6.6.6.")]
