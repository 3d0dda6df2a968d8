"""Fixtures: commerce on a fresh database per module, its own topics on the test broker,
tokens from a local issuer served over a real JWKS endpoint."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from commerce_helpers import Harness, make_settings, start_harness
from sc_core.auth.testing import LocalIssuer


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> AsyncIterator[Harness]:
    settings = make_settings(module_database_url, kafka_bootstrap, kafka_idempotence, jwks_url)
    async for h in start_harness(settings, issuer):
        yield h


@pytest.fixture
def community() -> str:
    """A community of this test alone."""
    return f"c-{uuid.uuid4().hex[:10]}"
