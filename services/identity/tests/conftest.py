"""identity under test: the real app on a fresh PostgreSQL database and a real broker."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from identity.config import Settings
from identity.main import create_app
from identity_kit import IdentityKit

from sc_contracts.admin import create_topics


@pytest.fixture(scope="session")
async def topics(kafka_bootstrap: str) -> str:
    """Every catalogue topic exists (the outbox relay publishes to identity's topics)."""
    await create_topics(kafka_bootstrap)
    return kafka_bootstrap


@pytest.fixture
def make_settings(
    fresh_database_url: str, topics: str, kafka_idempotence: bool
) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "environment": "test",
            "database_url": fresh_database_url,
            "kafka_bootstrap_servers": topics,
            "kafka_enable_idempotence": kafka_idempotence,
            "jwt_key_activation_delay_seconds": 0,
            "outbox_poll_interval_ms": 50,
            "jwks_url": None,
            "jwt_signing_keys": "",
            "kafka_consumer_group": f"identity-test-{uuid.uuid4().hex[:8]}",
            # the demo admins have no second factor; test_identity_mfa turns this on
            "mfa_enforce_required_roles": False,
            # every test client calls from one address: its daily SMS cap is the cap
            # test's (test_identity_sms); WeChat login is test_identity_wechat's
            "sms_daily_per_address": 10_000,
            "wechat_login": "off",
        }
        values.update(overrides)
        return Settings(**values)

    return make


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[FastAPI, AsyncClient]]:
    app = create_app(settings)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        LifespanManager(app, startup_timeout=60),
        AsyncClient(transport=transport, base_url="http://identity.test") as client,
    ):
        yield app, client


@pytest.fixture
async def kit(make_settings: Callable[..., Settings]) -> AsyncIterator[IdentityKit]:
    """identity running with the demo community loaded; tokens for every demo account."""
    async with running(make_settings()) as (app, client):
        kit = IdentityKit(app, client)
        await kit.load_demo()
        yield kit
