"""The migrations match the models (the service's tables, the outbox and inbox, the place
directory)."""

from __future__ import annotations

from commerce.db.models import metadata
from commerce_helpers import Harness
from sc_core.db.migrate import model_drift


async def test_migrations_match_the_models(harness: Harness) -> None:
    assert await model_drift(harness.settings.database_url, metadata) == []
