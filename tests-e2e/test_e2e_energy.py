"""Safety-loop scenario 3 (standard 6.1.3 c, energy statistics): a day of water-meter
readings for the households of the community, sent as devices send them, gives energy
statistics per household, unit, building and community, by day and by month, that agree
with the readings."""

from __future__ import annotations

import random
import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

ZONE = ZoneInfo("Asia/Shanghai")


def _usage(points: list[tuple[datetime, float]], bucket: str) -> dict[datetime, float]:
    """What each bucket consumed: its highest counter minus the highest before it (or its
    own lowest when nothing came before) — the rise of a cumulative meter."""

    def start(ts: datetime) -> datetime:
        local = ts.astimezone(ZONE)
        day = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return day.replace(day=1) if bucket == "month" else day

    by_bucket: dict[datetime, list[float]] = defaultdict(list)
    for ts, value in points:
        by_bucket[start(ts)].append(value)
    out: dict[datetime, float] = {}
    before: float | None = None
    for key in sorted(by_bucket):
        values = by_bucket[key]
        out[key] = max(values) - (before if before is not None else min(values))
        before = max(values)
    return out


def _sum(dicts: list[dict[datetime, float]]) -> dict[datetime, float]:
    total: dict[datetime, float] = defaultdict(float)
    for d in dicts:
        for k, v in d.items():
            total[k] += v
    return dict(total)


@pytest.mark.exclusive("demo-water")
def test_a_day_of_meter_readings_gives_energy_statistics_that_agree(
    gateway_url: str,
    login,  # type: ignore[no-untyped-def]
) -> None:
    admin = login("community_admin")
    rng = random.Random(20261124)
    run = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=gateway_url, timeout=30, headers=admin) as api:
        households = api.get("/api/v1/households", params={"limit": 100}).json()["items"]
        assert len(households) >= 4
        community = households[0]["community_id"]

        # two whole days, ending yesterday (local time), hourly readings
        today = datetime.now(ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
        first_day = today - timedelta(days=2)
        instants = [first_day + timedelta(hours=h) for h in range(48)]

        def actual(scope: str, scope_id: str, period: str) -> dict[datetime, float]:
            response = api.get(
                "/api/v1/energy",
                params={
                    "kind": "water",
                    "scope": scope,
                    "id": scope_id,
                    "period": period,
                    "from": (first_day - timedelta(days=40)).isoformat(),
                    "to": today.isoformat(),
                },
            )
            assert response.status_code == 200, response.text
            return {
                datetime.fromisoformat(b["start"]).astimezone(ZONE): b["consumption"]
                for b in response.json()["buckets"]
                if b["consumption"]
            }

        some = households[0]
        scopes = [
            ("household", some["id"]),
            ("unit", some["unit_id"]),
            ("building", some["building_id"]),
            ("community", community),
        ]
        # what other tests' meters in the same places already count (the care test's silent
        # meter, say): the figures must be that plus this test's readings
        baseline = {
            (scope, scope_id, period): actual(scope, scope_id, period)
            for scope, scope_id in scopes
            for period in ("day", "month")
        }

        meters: dict[str, dict[str, str]] = {}
        readings: dict[str, list[tuple[datetime, float]]] = {}
        for household in households:
            created = api.post(
                "/api/v1/devices",
                json={
                    "name": f"e2e-water-{run}-{household['name']}",
                    "device_type": "water_meter",
                    "community_id": community,
                    "building_id": household["building_id"],
                    "unit_id": household["unit_id"],
                    "room_id": household["room_id"],
                    "household_id": household["id"],
                },
            )
            assert created.status_code == 201, created.text
            meters[household["id"]] = household
            token = created.json()["access_token"]
            counter = round(rng.uniform(100, 900), 3)
            points = []
            for at in instants:
                counter = round(counter + rng.choice([0, 0, 0.01, 0.02, 0.05, 0.12]), 3)
                points.append((at, counter))
            readings[household["id"]] = points
            body = [
                {"ts": int(at.timestamp() * 1000), "values": {"totalWaterConsumption": v}}
                for at, v in points
            ]
            sent = httpx.post(f"{gateway_url}/api/v1/{token}/telemetry", json=body, timeout=30)
            assert sent.status_code == 200, sent.text

        def expected(scope: str, scope_id: str, period: str) -> dict[datetime, float]:
            key = {"household": "id", "unit": "unit_id", "building": "building_id"}
            chosen = [
                _usage(readings[h], period)
                for h, row in meters.items()
                if scope == "community" or row[key[scope]] == scope_id
            ]
            return _sum(chosen)

        # readings are stored from the broker a moment after they are accepted
        deadline = time.monotonic() + 60
        for scope, scope_id in scopes:
            for period in ("day", "month"):
                own = expected(scope, scope_id, period)
                assert len(own) == (2 if period == "day" else len({d.month for d in instants}))
                total = _sum([baseline[(scope, scope_id, period)], own])
                want = {k: round(v, 3) for k, v in total.items() if v}
                got: dict[datetime, float] = {}
                while time.monotonic() < deadline:
                    got = {k: round(v, 3) for k, v in actual(scope, scope_id, period).items()}
                    if got == want:
                        break
                    time.sleep(0.5)
                assert got == want, (scope, period)
