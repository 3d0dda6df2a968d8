"""Must show: no schema-valid event is dead-lettered by a column narrower than its
contract (issue 18): each of the service's consumers (the KPI feeds of work orders,
alarms and notification deliveries, the place directory) is handed the longest valid
event of each type it handles, on a migrated database, through its own handler (no
broker)."""

from __future__ import annotations

from evaluation.config import Settings
from evaluation.main import MIGRATIONS, build
from sc_core.bus.testing import feed_longest
from sc_core.db.migrate import upgrade


async def test_every_consumer_takes_the_longest_valid_events(module_database_url: str) -> None:
    settings = Settings(
        environment="test",
        database_url=module_database_url,
        kafka_bootstrap_servers="127.0.0.1:1",
        jwks_url="http://127.0.0.1:1/jwks",
    )
    await upgrade(MIGRATIONS, settings.database_url)
    runtime, _ = build(settings)
    try:
        fed = await feed_longest(runtime)
    finally:
        await runtime.db.dispose()
    assert {consumer for consumer, _ in fed} >= {"workorders", "alarms", "deliveries", "places"}
