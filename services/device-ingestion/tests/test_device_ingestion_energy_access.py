"""Issue 30 (4): a household's energy figures (whether the home is occupied) are read only
by its members and the staff who serve its place, and every read is audited. The attack:
visitor, merchant, volunteer, doctor, caregiver, auditor and an integrator client of the
community asked for a tenant's household and got the kWh."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from di_helpers import Harness

from sc_core.auth import Grant

OUTSIDERS = ("visitor", "merchant", "volunteer", "doctor", "caregiver", "auditor", "integrator",
             "gov_officer", "police")  # fmt: skip
SERVING = ("community_admin", "property_manager", "property_staff", "grid_worker")


async def audit_records(h: Harness, household: str) -> list[dict[str, Any]]:
    rows = await h.sql(
        "SELECT payload FROM event_outbox WHERE topic = :t ORDER BY seq",
        t=h.settings.audit_topic,
    )
    records = [json.loads(p) if isinstance(p, str | bytes) else p for (p,) in rows]
    return [
        r
        for r in records
        if r.get("action") == "energy.read_sensitive" and r.get("resource_id") == household
    ]


async def test_household_energy_is_its_members_and_serving_staff_only(
    harness: Harness, community: str
) -> None:
    h = harness
    household, building = f"{community}-h1", f"{community}-b1"
    await h.create_device(community, "wm-1", "water_meter", building_id=building,
                          unit_id=f"{community}-u1", household_id=household)  # fmt: skip
    now = datetime.now(UTC)
    params = {"kind": "water", "scope": "household", "id": household, "period": "day",
              "from": (now - timedelta(days=2)).isoformat(), "to": now.isoformat()}  # fmt: skip

    async def read(headers: dict[str, str]) -> int:
        r = await h.client.get("/api/v1/energy", params=params, headers=headers)
        assert r.status_code in (200, 403), r.text
        if r.status_code == 403:
            assert r.json()["code"] == "auth.out_of_scope"
        return r.status_code

    for i, role in enumerate(OUTSIDERS):
        who = h.user(Grant(role, "community", community), sub=f"outsider-{i}")
        assert await read(who) == 403, role
    # a member of another household, and the tenant's own household
    assert await read(h.user(Grant("resident", "household", f"{community}-h2"))) == 403
    assert await read(h.user(Grant("tenant", "household", household), sub="tenant-1")) == 200
    for i, role in enumerate(SERVING):
        assert await read(h.user(Grant(role, "community", community), sub=f"staff-{i}")) == 200
    # staff of another building do not serve this flat
    other = h.user(Grant("property_staff", "building", f"{community}-b2"), sub="staff-b2")
    assert await read(other) == 403
    # aggregates stay readable in scope (a building's figures)
    r = await h.client.get("/api/v1/energy", params={**params, "scope": "building",
                           "id": building}, headers=h.user(Grant("volunteer", "community",
                           community)))  # fmt: skip
    assert r.status_code == 200

    # every read of the household's figures is audited, allowed or refused, with who
    records = await audit_records(h, household)
    outcomes = [(r["actor_id"], r["outcome"]) for r in records]
    assert ("tenant-1", "success") in outcomes
    assert ("outsider-0", "denied") in outcomes and ("staff-0", "success") in outcomes
    assert len(records) == len(OUTSIDERS) + 1 + 1 + len(SERVING) + 1
