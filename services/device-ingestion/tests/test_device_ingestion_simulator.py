"""The simulator's fleet provisions itself and its gateway batches are accepted whole."""

from __future__ import annotations

import asyncio

from device_ingestion import simulator
from di_helpers import Harness


async def test_simulated_fleet_reports_through_a_gateway(harness: Harness, community: str) -> None:
    profiles = {}
    for kind in simulator.KINDS:
        body = {"name": kind, "device_type": kind, "community_id": community}
        made = await harness.client.post(
            "/api/v1/provision-profiles", json=body, headers=harness.admin(community)
        )
        profiles[kind] = (made.json()["key"], made.json()["secret"])
    fleet = await simulator.provision(harness.client, profiles, 12, f"{community}-")
    assert {d.kind for d in fleet} == set(simulator.KINDS)
    gateway = await harness.create_device(community, "sim-gw", "edge_gateway")
    batch = simulator.batch_for(fleet, 300)
    sent = simulator.readings_in(batch)
    answer = await harness.client.post(
        f"/api/v1/{gateway['access_token']}/telemetry/batch", json=batch
    )
    assert answer.json() == {"accepted": sent, "rejected": 0, "errors": []}
    query = (
        "SELECT count(*) AS n FROM telemetry t JOIN devices d ON d.id = t.device_id "
        "WHERE d.community_id = :c"
    )
    stored = 0
    for _ in range(600):  # bounded wait for the storage consumer
        stored = (await harness.sql(query, c=community))[0].n
        if stored >= sent:
            break
        await asyncio.sleep(0.05)
    assert stored == sent
