"""Queries: latest values, aggregated series, and energy statistics whose household totals
add up to their unit, building and community."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from device_ingestion.domain.buckets import bucket_start
from di_helpers import Harness

from sc_core.auth import Grant

SHANGHAI = ZoneInfo("Asia/Shanghai")


def ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def day_start(days_ago: int) -> datetime:
    today = datetime.now(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today - timedelta(days=days_ago)).astimezone(UTC)


async def test_latest_and_aggregated_series(harness: Harness, community: str) -> None:
    device = await harness.create_device(community, "t-1", "environment_sensor")
    start = day_start(3)
    readings = [
        {"ts": ms(start + timedelta(minutes=15 * i)), "values": {"temperature": 10.0 + i}}
        for i in range(8)  # two hours
    ]
    url = f"/api/v1/{device['access_token']}/telemetry"
    assert (await harness.client.post(url, json=readings)).json()["accepted"] == 8
    assert await harness.wait_stored(8, device["id"]) == 8
    base = f"/api/v1/devices/{device['id']}"
    admin = harness.admin(community)
    latest = (await harness.client.get(f"{base}/latest", headers=admin)).json()
    assert latest["temperature"]["value"] == 17.0
    window = {"from": start.isoformat(), "to": (start + timedelta(days=1)).isoformat()}
    raw = (await harness.client.get(f"{base}/telemetry", params=window, headers=admin)).json()
    assert [p["value"] for p in raw["temperature"]] == [10.0 + i for i in range(8)]

    async def agg(interval: str, how: str) -> list[float]:
        params = {**window, "interval": interval, "agg": how, "keys": "temperature"}
        got = (await harness.client.get(f"{base}/telemetry", params=params, headers=admin)).json()
        return [p["value"] for p in got["temperature"]]

    assert await agg("hour", "avg") == [11.5, 15.5]
    assert await agg("hour", "max") == [13.0, 17.0]
    assert await agg("day", "count") == [8.0]
    assert await agg("day", "sum") == [sum(10.0 + i for i in range(8))]
    assert await agg("day", "min") == [10.0]
    outsider = harness.user(Grant("property_staff", "community", "c-other"))
    assert (await harness.client.get(f"{base}/latest", headers=outsider)).status_code == 403


# counter readings per household: (days ago, hour in Shanghai, value), one late reading
def household_readings(h: int) -> list[tuple[int, int, float]]:
    start = 100.0 * h
    return [
        (3, 8, start),
        (3, 20, start + 1.5 + h),
        (2, 8, start + 2.0 + h),
        (2, 20, start + 4.0 + 2 * h),
        (1, 9, start + 7.0 + 2 * h),
    ]


async def test_energy_households_add_up_to_unit_building_and_community(
    harness: Harness, community: str
) -> None:
    households: dict[str, dict[str, Any]] = {}
    n = 0
    for b in range(2):
        for u in range(2):
            for h in range(2):
                hh = f"{community}-h{b}{u}{h}"
                households[hh] = await harness.create_device(
                    community,
                    f"wm-{b}{u}{h}",
                    "water_meter",
                    building_id=f"{community}-b{b}",
                    unit_id=f"{community}-b{b}-u{u}",
                    household_id=hh,
                )
                households[hh]["n"] = n
                n += 1
    late: list[tuple[str, dict[str, Any]]] = []
    for device in households.values():
        points = household_readings(device["n"])
        body = [
            {
                "ts": ms(day_start(d) + timedelta(hours=hour)),
                "values": {"totalWaterConsumption": v},
            }
            for d, hour, v in points
        ]
        late.append((device["access_token"], body.pop(1)))  # sent after the others
        url = f"/api/v1/{device['access_token']}/telemetry"
        assert (await harness.client.post(url, json=body)).json()["accepted"] == 4
    for token, reading in late:
        sent = await harness.client.post(f"/api/v1/{token}/telemetry", json=reading)
        assert sent.json()["accepted"] == 1
    for device in households.values():
        assert await harness.wait_stored(5, device["id"]) == 5

    admin = harness.admin(community)
    window = {"from": day_start(3).isoformat(), "to": day_start(0).isoformat()}

    async def stats(scope: str, scope_id: str, period: str = "day") -> dict[str, Any]:
        params = {"kind": "water", "scope": scope, "id": scope_id, "period": period, **window}
        response = await harness.client.get("/api/v1/energy", params=params, headers=admin)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def by_bucket(result: dict[str, Any]) -> dict[str, float]:
        return {b["start"]: b["consumption"] for b in result["buckets"]}

    # one household, by hand: day 3 counts from its first reading, then rises of the max
    first = await stats("household", f"{community}-h001")
    k = households[f"{community}-h001"]["n"]
    assert [b["consumption"] for b in first["buckets"]] == [1.5 + k, 2.5 + k, 3.0]
    assert first["unit"] == "m3" and first["meters"] == 1

    def add(results: list[dict[str, Any]]) -> dict[str, float]:
        total: dict[str, float] = {}
        for r in results:
            for start, value in by_bucket(r).items():
                total[start] = round(total.get(start, 0.0) + value, 6)
        return total

    units = {}
    for b in range(2):
        for u in range(2):
            unit_id = f"{community}-b{b}-u{u}"
            parts = [await stats("household", f"{community}-h{b}{u}{h}") for h in range(2)]
            units[unit_id] = await stats("unit", unit_id)
            assert by_bucket(units[unit_id]) == add(parts)
    buildings = []
    for b in range(2):
        building = await stats("building", f"{community}-b{b}")
        assert by_bucket(building) == add([units[f"{community}-b{b}-u{u}"] for u in range(2)])
        buildings.append(building)
    whole = await stats("community", community)
    assert by_bucket(whole) == add(buildings)
    assert whole["meters"] == 8
    # over a window aligned to months, the months add up to the days
    window["from"] = bucket_start(day_start(3), "month", SHANGHAI).isoformat()
    window["to"] = day_start(-1).isoformat()
    monthly = await stats("community", community, "month")
    daily = await stats("community", community, "day")
    assert monthly["total"] == daily["total"] == whole["total"]
    assert 1 <= len(monthly["buckets"]) <= 2

    resident = harness.user(Grant("resident", "household", f"{community}-h001"))
    params = {"kind": "water", "scope": "household", "id": f"{community}-h001", "period": "day"}
    own = await harness.client.get("/api/v1/energy", params={**params, **window}, headers=resident)
    assert own.status_code == 200
    params["id"] = f"{community}-h000"
    other = await harness.client.get(
        "/api/v1/energy", params={**params, **window}, headers=resident
    )
    assert other.status_code == 403
