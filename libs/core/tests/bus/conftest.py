"""Bus tests run on both brokers: the embedded Tansu and a real Apache Kafka broker
(idempotent producer on)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bushelpers import Broker, metadata, tables
from sc_core.db import Database


@pytest.fixture(params=["tansu", "apache"])
def broker(request: pytest.FixtureRequest) -> Broker:
    if request.param == "tansu":
        return Broker(
            "tansu",
            request.getfixturevalue("kafka_bootstrap"),
            request.getfixturevalue("kafka_idempotence"),
        )
    request.applymarker(pytest.mark.apache_kafka)
    return Broker("apache", request.getfixturevalue("apache_kafka"), True)


@pytest.fixture
async def db(fresh_database_url: str) -> AsyncIterator[Database]:
    database = Database(fresh_database_url, tables, pool_size=5)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()
