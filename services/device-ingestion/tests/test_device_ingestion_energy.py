"""Energy roll-ups per community and building: precomputed by the refresh job, exact at
every moment (late readings are seen at once), and equal to what the meters add up to."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from di_helpers import Harness, make_settings, start_harness

from sc_core.auth.testing import LocalIssuer

SHANGHAI = ZoneInfo("Asia/Shanghai")


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
        energy_refresh_interval_s=0.5,
    )
    async with start_harness(settings, issuer) as h:
        yield h


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def day_start(days_ago: int) -> datetime:
    today = datetime.now(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today - timedelta(days=days_ago)).astimezone(UTC)


async def wait_refreshed(harness: Harness, community: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        marks = await harness.sql("SELECT 1 FROM energy_dirty WHERE community_id = :c", c=community)
        if not marks:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the energy refresh job did not catch up")


async def test_precomputed_energy_is_exact_before_and_after_late_data(
    harness: Harness, community: str
) -> None:
    admin = harness.admin(community)
    meters = {}
    for b in range(2):
        for h in range(2):
            meters[(b, h)] = await harness.create_device(
                community,
                f"wm-{b}{h}",
                "water_meter",
                building_id=f"{community}-b{b}",
                household_id=f"{community}-h{b}{h}",
            )
    for (b, h), device in meters.items():
        start = 100.0 * (2 * b + h)
        body = [
            {"ts": ms(day_start(d) + timedelta(hours=10)),
             "values": {"totalWaterConsumption": start + (3 - d) * (1 + b + h)}}
            for d in (3, 2, 1)
        ]  # fmt: skip
        url = f"/api/v1/{device['access_token']}/telemetry"
        assert (await harness.client.post(url, json=body)).json()["accepted"] == 3
    for device in meters.values():
        assert await harness.wait_stored(3, device["id"]) == 3
    window = {"from": day_start(4).isoformat(), "to": day_start(0).isoformat()}

    async def stats(scope: str, scope_id: str) -> dict[str, float]:
        params = {"kind": "water", "scope": scope, "id": scope_id, "period": "day", **window}
        response = await harness.client.get("/api/v1/energy", params=params, headers=admin)
        assert response.status_code == 200, response.text
        return {b["start"]: b["consumption"] for b in response.json()["buckets"]}

    async def households_added(building: int | None = None) -> dict[str, float]:
        total: dict[str, float] = {}
        for b, h in meters:
            if building is None or b == building:
                for start, v in (await stats("household", f"{community}-h{b}{h}")).items():
                    total[start] = round(total.get(start, 0.0) + v, 6)
        return total

    await wait_refreshed(harness, community)
    precomputed = await harness.sql(
        "SELECT scope, count(*) AS n FROM energy_rollups WHERE community_id = :c "
        "AND period = 'day' GROUP BY scope ORDER BY scope",
        c=community,
    )
    assert [(r.scope, r.n) for r in precomputed] == [("building", 6), ("community", 3)]
    assert await stats("community", community) == await households_added()
    for b in range(2):
        assert await stats("building", f"{community}-b{b}") == await households_added(b)

    # a late reading raises day 3's level of one meter: seen at once, then precomputed
    before = await stats("community", community)
    device = meters[(0, 0)]
    late = {"ts": ms(day_start(3) + timedelta(hours=20)), "values": {"totalWaterConsumption": 0.6}}
    url = f"/api/v1/{device['access_token']}/telemetry"
    assert (await harness.client.post(url, json=late)).json()["accepted"] == 1
    assert await harness.wait_stored(4, device["id"]) == 4
    now = await stats("community", community)
    assert now == await households_added()
    day3 = day_start(3).astimezone(SHANGHAI).isoformat()
    day3_key = next(k for k in before if k.startswith(day3[:13]))
    assert now[day3_key] == round(before[day3_key] + 0.6, 6)
    await wait_refreshed(harness, community)
    assert await stats("community", community) == now == await households_added()

    # a meter moved to the other building: both buildings are recomputed
    moved = await harness.client.patch(
        f"/api/v1/devices/{meters[(0, 1)]['id']}",
        json={"building_id": f"{community}-b1"},
        headers=admin,
    )
    assert moved.status_code == 200
    await wait_refreshed(harness, community)
    b1: dict[str, Any] = {}
    for b, h in meters:
        if (b, h) == (0, 1) or b == 1:
            for start, v in (await stats("household", f"{community}-h{b}{h}")).items():
                b1[start] = round(b1.get(start, 0.0) + v, 6)
    assert await stats("building", f"{community}-b1") == b1


async def test_an_app_asks_for_calendar_days_and_reads_them_in_the_communitys_zone(
    harness: Harness, community: str
) -> None:
    """from=2026-12-01&to=2026-12-03: three Shanghai days, bucket starts at +08:00 midnights
    (issue 19 item 3); a date the app got wrong is a problem+json, not a 500."""
    admin = harness.admin(community)
    meter = await harness.create_device(
        community, "wm-dates", "water_meter", building_id=f"{community}-b9",
        household_id=f"{community}-h99",
    )  # fmt: skip
    body = [
        {"ts": ms(day_start(d) + timedelta(hours=1)),
         "values": {"totalWaterConsumption": 10.0 + (3 - d)}}
        for d in (3, 2, 1)
    ]  # fmt: skip
    url = f"/api/v1/{meter['access_token']}/telemetry"
    assert (await harness.client.post(url, json=body)).json()["accepted"] == 3
    assert await harness.wait_stored(3, meter["id"]) == 3
    first, last = (
        day_start(3).astimezone(SHANGHAI).date(),
        day_start(1).astimezone(SHANGHAI).date(),
    )
    params = {"kind": "water", "scope": "building", "id": f"{community}-b9", "period": "day"}
    answer = await harness.client.get(
        "/api/v1/energy",
        params={**params, "from": first.isoformat(), "to": last.isoformat()},
        headers=admin,
    )
    assert answer.status_code == 200, answer.text
    stats = answer.json()
    assert stats["timezone"] == "Asia/Shanghai"
    starts = [b["start"] for b in stats["buckets"]]
    assert starts == [f"{first + timedelta(days=n)}T00:00:00+08:00" for n in range(3)]
    assert stats["total"] == 2.0  # the rises after the first reading; the last day included
    wrong = await harness.client.get(
        "/api/v1/energy", params={**params, "from": "12/01/2026", "to": last.isoformat()},
        headers={**admin, "Accept-Language": "zh-CN"},
    )  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.json()["code"] == "request.bad_date" and "日期" in wrong.json()["detail"]
    # the end of time (the day after 9999-12-31 overflowed: a 500) is out of 1900-2200
    beyond = await harness.client.get(
        "/api/v1/energy", params={**params, "from": first.isoformat(), "to": "9999-12-31"},
        headers=admin,
    )  # fmt: skip
    assert beyond.status_code == 422, beyond.text
    assert beyond.json()["code"] == "request.bad_date" and "2200" in beyond.json()["detail"]
