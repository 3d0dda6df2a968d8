"""Raw telemetry retention: partitions wholly older than TELEMETRY_RETENTION_DAYS are
dropped by the periodic job, roll-ups stay, and the months ahead are created in advance."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from di_helpers import Harness, make_settings, start_harness

from sc_core.auth.testing import LocalIssuer


@pytest.fixture(scope="module")
async def harness(
    module_database_url: str,
    kafka_bootstrap: str,
    kafka_idempotence: bool,
    jwks_url: str,
    issuer: LocalIssuer,
) -> AsyncIterator[Harness]:
    settings = make_settings(
        module_database_url,
        kafka_bootstrap,
        kafka_idempotence,
        jwks_url,
        telemetry_retention_days=400,
        partition_maintenance_interval_s=0.5,
    )
    async with start_harness(settings, issuer) as h:
        yield h


def month_name(at: datetime) -> str:
    return f"telemetry_y{at.year:04d}m{at.month:02d}"


async def partitions(harness: Harness) -> set[str]:
    rows = await harness.sql(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'telemetry'::regclass"
    )
    return {r.relname for r in rows}


async def test_old_raw_partitions_are_dropped_and_rollups_kept(
    harness: Harness, community: str
) -> None:
    now = datetime.now(UTC)
    # months ahead exist before any reading needs them
    ahead = now.replace(day=1) + timedelta(days=40)
    assert month_name(ahead) in await partitions(harness)

    meter = await harness.create_device(community, "em-old", "electricity_meter")
    old = now - timedelta(days=500)  # accepted (TELEMETRY_MAX_AGE_DAYS 732), past retention
    recent = now - timedelta(days=3)
    url = f"/api/v1/{meter['access_token']}/telemetry"
    body = [
        {"ts": int(old.timestamp() * 1000), "values": {"totalActiveEnergyImport": 10.0}},
        {"ts": int(recent.timestamp() * 1000), "values": {"totalActiveEnergyImport": 50.0}},
    ]
    assert (await harness.client.post(url, json=body)).json()["accepted"] == 2

    # the storage consumer creates the old month's partition; the job drops it again
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        raw = await harness.sql(
            "SELECT ts FROM telemetry WHERE device_id = :d ORDER BY ts", d=meter["id"]
        )
        rollups = await harness.sql(
            "SELECT count(*) AS n FROM telemetry_rollups WHERE device_id = :d AND bucket < :b",
            d=meter["id"],
            b=now - timedelta(days=400),
        )
        if len(raw) == 1 and rollups[0].n > 0:
            break
        await asyncio.sleep(0.2)
    # only the recent raw reading is left; the old one lives on in its roll-ups
    assert [r.ts for r in raw] == [recent.replace(microsecond=recent.microsecond // 1000 * 1000)]
    assert rollups[0].n == 4  # hour, day, month and year of the old reading
    names = await partitions(harness)
    assert month_name(old) not in names
    assert month_name(recent) in names
