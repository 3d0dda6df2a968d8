"""Energy statistics part of bench/ingestion.py: a year of day and month roll-ups of
2,000 households' water meters, the refresh job computing the community's and buildings'
energy roll-ups from them, then the energy query's p50/p99 through the API."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

import asyncpg
import httpx
from benchkit import pct

from sc_core.auth import Grant
from sc_core.auth.testing import LocalIssuer

ENERGY_SETUP = [
    """INSERT INTO devices (id, name, device_type, community_id, building_id, unit_id,
                            household_id, token_hash)
       SELECT gen_random_uuid(), 'wm-' || g, 'water_meter', 'c-energy', 'b-' || (g % 20),
              'u-' || (g % 100), 'h-' || g, md5(g::text) || md5((g + 1)::text)
         FROM generate_series(1, 2000) g""",
    # a year of day roll-ups: each meter rises 0.3-0.5 m3 a day
    """INSERT INTO telemetry_rollups
       SELECT d.id, 'totalWaterConsumption', 'day',
              (timestamp '2025-01-01' + make_interval(days => n)) AT TIME ZONE 'Asia/Shanghai',
              24, 24 * (100 + n * 0.4), 100 + n * 0.4, 100 + n * 0.4 + 0.3 + (hashint4(n) % 3) * 0.1
         FROM devices d, generate_series(0, 364) n WHERE d.community_id = 'c-energy'""",
    """INSERT INTO telemetry_rollups
       SELECT device_id, key, 'month',
              date_trunc('month', bucket AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai',
              sum(count), sum(sum), min(min), max(max)
         FROM telemetry_rollups WHERE period = 'day' AND device_id IN
              (SELECT id FROM devices WHERE community_id = 'c-energy')
        GROUP BY 1, 2, 4""",
    "ANALYZE telemetry_rollups",
    "ANALYZE devices",
    # roll-ups written behind the service's back: have its refresh job compute the
    # community's and buildings' energy roll-ups (as the storage consumer's marks would)
    """INSERT INTO energy_dirty (community_id, period, since)
       SELECT 'c-energy', p, '-infinity' FROM unnest(ARRAY['day', 'month', 'year']) p
       ON CONFLICT (community_id, period) DO UPDATE SET since = '-infinity',
          seq = energy_dirty.seq + 1""",
]


async def energy(service: Any, pg: str, issuer: LocalIssuer, runs: int) -> dict[str, Any]:
    conn = await asyncpg.connect(pg)
    started = time.perf_counter()
    for statement in ENERGY_SETUP:
        await conn.execute(statement)
    loaded = time.perf_counter() - started
    refreshed = time.perf_counter()
    while await conn.fetchval("SELECT count(*) FROM energy_dirty WHERE community_id = 'c-energy'"):
        if time.perf_counter() - refreshed > 300:
            raise TimeoutError("the energy refresh job did not finish in 300 s")
        await asyncio.sleep(0.2)
    refresh_seconds = time.perf_counter() - refreshed
    await conn.close()
    admin = issuer.bearer("bench", grants=[Grant("community_admin", "community", "c-energy")])
    year = {"from": "2025-01-01T00:00:00+08:00", "to": "2026-01-01T00:00:00+08:00"}
    cases = {
        "community_by_day": {"scope": "community", "id": "c-energy", "period": "day"},
        "community_by_month": {"scope": "community", "id": "c-energy", "period": "month"},
        "building_by_day": {"scope": "building", "id": "b-7", "period": "day"},
        "household_by_day": {"scope": "household", "id": "h-42", "period": "day"},
    }
    out: dict[str, Any] = {
        "households": 2000,
        "setup_seconds": round(loaded, 1),
        "refresh_seconds": round(refresh_seconds, 1),  # the job recomputing a whole year
    }
    async with httpx.AsyncClient(base_url=service.url, headers=admin, timeout=60) as client:
        for name, params in cases.items():
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                response = await client.get(
                    "/api/v1/energy", params={"kind": "water", **params, **year}
                )
                times.append(time.perf_counter() - t)
                response.raise_for_status()
            body = response.json()
            out[name] = {
                "buckets": len(body["buckets"]),
                "meters": body["meters"],
                "p50_ms": round(statistics.median(times) * 1000, 1),
                "p99_ms": round(pct(times, 0.99) * 1000, 1),
            }
    return out
