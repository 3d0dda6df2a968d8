"""Must show: no schema-valid event is dead-lettered by a column narrower than its
contract (issue 18): each of the service's consumers (the place directory, the owners,
the waste bins' telemetry) is handed the longest valid event of each type it handles, on
a migrated database, through its own handler (no broker)."""

from __future__ import annotations

from commerce.main import MIGRATIONS, build
from commerce_helpers import make_settings
from sc_core.bus.testing import feed_longest
from sc_core.db.migrate import upgrade


async def test_every_consumer_takes_the_longest_valid_events(module_database_url: str) -> None:
    settings = make_settings(module_database_url, "127.0.0.1:1", False, "http://127.0.0.1:1/jwks")
    await upgrade(MIGRATIONS, settings.database_url)
    runtime, _ = build(settings)
    try:
        fed = await feed_longest(runtime)
    finally:
        await runtime.db.dispose()
    assert fed  # it has consumers, and each took what its contracts allow
