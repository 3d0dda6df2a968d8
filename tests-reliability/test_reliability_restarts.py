"""Scenario 5 of the reliability suite: every service process is killed (kill -9) and
started again, one after the other, while residents submit repairs and sensors report.

Pass: nothing accepted is lost — every repair answered 201 can be read back, every
reading answered "accepted" is in the device's time series. Requests refused while a
process was down are not counted as accepted: the app and the device retry those.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from reliability_kit import Platform
from sc_devinfra.apache_kafka import KafkaCluster

ORDER = ["identity", "audit", "device-ingestion", "work-orders", "alarm", "notification"]


@pytest.mark.timeout(900)
async def test_killing_each_service_in_turn_loses_nothing_accepted(
    platform: Platform, healthy_cluster: KafkaCluster
) -> None:
    run = uuid.uuid4().hex[:6]
    resident = platform.login("resident")
    admin = platform.login("community_admin")
    stop = asyncio.Event()
    repairs: list[str] = []
    readings: dict[str, list[int]] = {}
    refused: dict[str, int] = {"repairs": 0, "readings": 0}
    started = datetime.now(UTC)

    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=10) as api:
        me = (await api.get("/api/v1/me", headers=resident)).json()
        home = me["households"][0]
        sensors: list[tuple[str, str]] = []
        for n in range(3):
            created = await api.post(
                "/api/v1/devices",
                headers=admin,
                json={
                    "name": f"rel-env-{run}-{n}",
                    "device_type": "environment_sensor",
                    "community_id": home["community_id"],
                    "building_id": home["building_id"],
                },
            )
            assert created.status_code == 201, created.text
            sensors.append((created.json()["id"], created.json()["access_token"]))
            readings[created.json()["id"]] = []

        async def submit_repairs() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    r = await api.post(
                        "/api/v1/work-orders",
                        headers=resident,
                        json={
                            "case_type": "repair",
                            "title": f"门禁坏了 door entry broken {run}-{n}",
                            "community_id": home["community_id"],
                            "household_id": home["household_id"],
                        },
                    )
                    if r.status_code == 201:
                        repairs.append(r.json()["id"])
                    else:
                        refused["repairs"] += 1
                except httpx.HTTPError:
                    refused["repairs"] += 1
                await asyncio.sleep(0.1)

        async def report(device_id: str, token: str) -> None:
            ts = int(time.time() * 1000)
            while not stop.is_set():
                ts += 1000  # one reading per simulated second, sent every 50 ms
                try:
                    r = await api.post(
                        f"/api/v1/{token}/telemetry",
                        json={"ts": ts, "values": {"temperature": 20 + ts % 7}},
                    )
                    if r.status_code == 200 and r.json()["accepted"] == 1:
                        readings[device_id].append(ts)
                    else:
                        refused["readings"] += 1
                except httpx.HTTPError:
                    refused["readings"] += 1
                await asyncio.sleep(0.05)

        load = [asyncio.create_task(submit_repairs())] + [
            asyncio.create_task(report(d, t)) for d, t in sensors
        ]
        await asyncio.sleep(3)
        for name in [n for n in ORDER if n in platform.services] + ["gateway"]:
            platform.kill(name)
            await asyncio.sleep(1)
            await asyncio.to_thread(platform.restart, name)
            await asyncio.sleep(3)
        stop.set()
        await asyncio.gather(*load)

        accepted_readings = sum(len(v) for v in readings.values())
        print(
            f"\n{len(repairs)} repairs and {accepted_readings} readings accepted; "
            f"refused while a process was down: {refused}"
        )
        assert repairs and accepted_readings

        for wo in repairs:
            r = await api.get(f"/api/v1/work-orders/{wo}", headers=resident)
            assert r.status_code == 200, (wo, r.status_code)

        span = {
            "from": (started - timedelta(minutes=1)).isoformat(),
            "to": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        }

        async def stored(device_id: str) -> set[int]:
            r = await api.get(
                f"/api/v1/devices/{device_id}/telemetry",
                headers=admin,
                params={**span, "keys": "temperature", "limit": 10000},
            )
            assert r.status_code == 200, r.text
            points: list[dict[str, Any]] = r.json().get("temperature", [])
            return {int(datetime.fromisoformat(p["ts"]).timestamp() * 1000) for p in points}

        deadline = time.monotonic() + 120
        missing: dict[str, set[int]] = {}
        while time.monotonic() < deadline:
            missing = {d: set(ts) - await stored(d) for d, ts in readings.items()}
            if not any(missing.values()):
                break
            await asyncio.sleep(1)
        assert {d: len(m) for d, m in missing.items() if m} == {}
