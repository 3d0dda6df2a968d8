"""Fixtures: the notification service on a real loopback HTTP server with a fresh
database and its own topics on the test broker; tokens from a local issuer served over
a real JWKS endpoint."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from notif_helpers import Harness, make_settings, start_harness
from sc_core.auth.testing import LocalIssuer


@pytest.fixture(scope="module")
def harness_overrides() -> dict[str, object]:
    """Settings a test module changes (override the fixture in the module)."""
    return {}


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
    harness_overrides: dict[str, object],
) -> AsyncIterator[Harness]:
    settings = make_settings(
        module_database_url, kafka_bootstrap, kafka_idempotence, jwks_url, **harness_overrides
    )
    async with start_harness(settings, issuer) as h:
        yield h


@pytest.fixture
def community() -> str:
    return f"c-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def user() -> str:
    return f"u-{uuid.uuid4().hex[:10]}"
