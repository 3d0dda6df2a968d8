"""Fixtures: the alarm service on a fresh database and its own topics on the test
broker, tokens from a local issuer behind a real JWKS endpoint."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from alarm.config import Settings
from alarm_helpers import Devices, Harness, create_topics, make_settings, start_harness
from sc_core.auth.testing import LocalIssuer


@pytest.fixture(scope="module")
async def settings(
    module_database_url: str, kafka_bootstrap: str, kafka_idempotence: bool, jwks_url: str
) -> Settings:
    s = make_settings(module_database_url, kafka_bootstrap, kafka_idempotence, jwks_url)
    await create_topics(s)
    return s


@pytest.fixture(scope="module")
async def harness(settings: Settings, issuer: LocalIssuer) -> AsyncIterator[Harness]:
    async with start_harness(settings, issuer) as h:
        yield h


@pytest.fixture
def community() -> str:
    return f"c-{uuid.uuid4().hex[:10]}"


@pytest.fixture
async def devices(settings: Settings, community: str) -> AsyncIterator[Devices]:
    d = Devices(settings, community)
    yield d
    await d.close()
