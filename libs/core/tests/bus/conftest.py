"""Bus tests run on Apache Kafka with the idempotent producer on, as in production."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bushelpers import Broker, metadata, tables
from sc_core.db import Database


@pytest.fixture
def broker(kafka_bootstrap: str, kafka_idempotence: bool) -> Broker:
    return Broker("apache", kafka_bootstrap, kafka_idempotence)


@pytest.fixture
async def db(fresh_database_url: str) -> AsyncIterator[Database]:
    database = Database(fresh_database_url, tables, pool_size=5)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()
