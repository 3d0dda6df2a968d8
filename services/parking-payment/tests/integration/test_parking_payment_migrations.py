"""The migrations create exactly the models' schema on a real PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import parking_payment
from parking_payment.db.models import metadata
from sc_core.db.migrate import model_drift, upgrade

MIGRATIONS = Path(parking_payment.__file__).parent / "db" / "migrations"


async def test_migrations_match_the_models(fresh_database_url):
    await upgrade(MIGRATIONS, fresh_database_url)
    assert await model_drift(fresh_database_url, metadata) == []
