"""A resident's case is placed where identity says the household lives (projected from
identity.events.v1), so the grid worker of that grid sees it and a made-up community
sends it nowhere else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sc_contracts.events.identity import HouseholdChangedV1
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent
from wo_helpers import Harness, eventually, send_event
from work_orders.db.models import HouseholdPlace


async def test_resident_case_takes_the_household_place_from_identity(
    harness: Harness, community: str
) -> None:
    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    grid = f"g-{uuid.uuid4().hex[:6]}"
    changed = HouseholdChangedV1(
        aggregate_id=household,
        household_id=household,
        change="created",
        placement={
            "community_id": community,
            "building_id": "b-7",
            "unit_id": "u-1",
            "room_id": "r-101",
            "grid_id": grid,
        },
        member_count=2,
        status="active",
        changed_by="admin",
        changed_at=datetime.now(UTC),
    )
    event = CloudEvent.create(
        "community.household.changed.v1", "/services/identity", changed, subject=household
    )
    await send_event(
        h.settings.kafka_bootstrap_servers, h.settings.identity_topic, event, household
    )

    async def projected() -> HouseholdPlace | None:
        async with h.db.uow() as uow:
            return await uow.session.get(HouseholdPlace, household)

    assert await eventually(projected)

    # the app sends a wrong community: identity's placement wins
    wo = await h.create(
        h.resident(household),
        case_type="hazard_report",
        title="井盖松动 Loose manhole cover",
        community_id="c-made-up",
        household_id=household,
        longitude=116.4,
        latitude=39.9,
    )
    assert (wo["community_id"], wo["building_id"], wo["grid_id"]) == (community, "b-7", grid)

    grid_worker = h.issuer.bearer("gw-1", grants=[Grant("grid_worker", "grid", grid)])
    assert wo["id"] in await h.ids(grid_worker)
    inbox = (await h.client.get("/api/v1/work-orders/inbox", headers=grid_worker)).json()
    assert wo["id"] in [i["id"] for i in inbox["received"]["items"]]
    await h.step(wo["id"], "accept", grid_worker)
    assert wo["id"] not in await h.ids(h.staff("c-made-up"))
    other_grid = h.issuer.bearer("gw-2", grants=[Grant("grid_worker", "grid", "g-other")])
    assert (await h.get(wo["id"], other_grid))[0] == 404
