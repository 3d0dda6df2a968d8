"""Fixtures: work-orders on a fresh database per module, its own topics on the test
broker, tokens from a local issuer served over a real JWKS endpoint."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sc_core.auth.testing import LocalIssuer
from wo_helpers import Harness, make_settings, start_harness


@pytest.fixture(scope="module")
def attachment_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wo-attachments")


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
    attachment_dir: Path,
) -> AsyncIterator[Harness]:
    settings = make_settings(
        module_database_url,
        kafka_bootstrap,
        kafka_idempotence,
        jwks_url,
        attachment_dir=attachment_dir,
    )
    async with start_harness(settings, issuer) as h:
        yield h


@pytest.fixture
def community() -> str:
    """A community of this test alone."""
    return f"c-{uuid.uuid4().hex[:10]}"
