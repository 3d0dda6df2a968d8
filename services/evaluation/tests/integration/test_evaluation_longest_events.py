"""Must show: no schema-valid event is dead-lettered by a column narrower than its
contract (issue 18): each of the service's consumers (the KPI feeds of work orders,
alarms and notification deliveries, the place directory) is handed the longest valid
event of each type it handles, on a migrated database, through its own handler (no
broker)."""

from __future__ import annotations

from evaluation_harness import offline

from sc_core.bus.testing import feed_longest


async def test_every_consumer_takes_the_longest_valid_events(module_database_url: str) -> None:
    _, runtime, _ = await offline(module_database_url)
    try:
        fed = await feed_longest(runtime)
    finally:
        await runtime.db.dispose()
    assert {consumer for consumer, _ in fed} >= {"workorders", "alarms", "deliveries", "places"}
