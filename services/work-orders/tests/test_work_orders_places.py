"""A resident's case is placed where identity says the household lives (projected from
identity.events.v1), so the grid worker of that grid sees it and a made-up community
sends it nowhere else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sc_contracts.events.identity import HouseholdChangedV1
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent
from sc_core.places import HouseholdPlace, Places
from wo_helpers import Harness, eventually, send_event
from work_orders.db.models import PLACES


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
    await send_event(h.settings.kafka_bootstrap_servers, h.identity_topic, event, household)

    async def projected() -> HouseholdPlace | None:
        async with h.db.uow() as uow:
            return await Places(PLACES).household(uow, household)

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

    # issue 19 item 2: ids the caller's grants imply need not be sent. The grid worker
    # names the building of her grid, no community, no grid; the resident names nothing.
    found = await h.create(
        grid_worker, case_type="hazard_report", title="消防通道堆放杂物", building_id="b-7"
    )
    assert (found["community_id"], found["grid_id"]) == (community, grid)
    mine = await h.create(h.resident(household), case_type="repair", title="阳台灯不亮")
    assert (mine["community_id"], mine["household_id"]) == (community, household)
    staff = await h.create(h.staff(community), case_type="inspection", title="电梯年检")
    assert staff["community_id"] == community
    two = h.issuer.bearer(
        "pm-2",
        grants=[
            Grant("property_staff", "community", community),
            Grant("property_staff", "community", "c-2"),
        ],
    )
    for headers, code, choices in (
        (two, "place.ambiguous", sorted([community, "c-2"])),
        (h.admin(), "place.required", []),
    ):
        r = await h.client.post(
            "/api/v1/work-orders", headers=headers, json={"case_type": "inspection", "title": "x"}
        )
        assert r.status_code == 422, r.text
        problem = r.json()
        assert (problem["code"], problem["field"], problem["choices"]) == (
            code,
            "community_id",
            choices,
        )
        assert "community_id" in problem["detail"]  # zh-CN first, the field named


async def test_an_alarm_in_a_flat_opens_a_case_its_household_follows_and_rates(
    harness: Harness, community: str
) -> None:
    from sc_contracts.events.alarm import AlarmRaisedV1

    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    room = f"r-{uuid.uuid4().hex[:6]}"
    changed = HouseholdChangedV1(
        aggregate_id=household,
        household_id=household,
        change="created",
        placement={
            "community_id": community,
            "building_id": "b-3",
            "unit_id": "u-2",
            "room_id": room,
        },
        member_count=1,
        status="active",
        changed_by="admin",
        changed_at=datetime.now(UTC),
    )
    await send_event(
        h.settings.kafka_bootstrap_servers,
        h.identity_topic,
        CloudEvent.create(
            "community.household.changed.v1", "/services/identity", changed, subject=household
        ),
        household,
    )

    async def projected() -> HouseholdPlace | None:
        async with h.db.uow() as uow:
            return await Places(PLACES).household(uow, household)

    assert await eventually(projected)

    alarm_id = f"al-{uuid.uuid4().hex[:10]}"
    now = datetime.now(UTC)
    raised = AlarmRaisedV1.model_validate(
        {
            "alarm_id": alarm_id,
            "alarm_type": "smoke",
            "severity": "critical",
            "status": "active_unack",
            "originator_type": "device",
            "originator_id": "smoke-1201",
            "community_id": community,
            "building_id": "b-3",
            "unit_id": "u-2",
            "room_id": room,
            "count": 1,
            "first_at": now,
            "last_at": now,
            "actions": ["open_work_order"],
        }
    )
    await send_event(
        h.settings.kafka_bootstrap_servers,
        h.alarm_topic,
        CloudEvent.create("community.alarm.raised.v1", "/services/alarm", raised),
        alarm_id,
    )
    resident = h.resident(household)

    async def mine() -> list[str]:
        return await h.ids(resident)

    [wo_id] = await eventually(mine)
    _, case = await h.get(wo_id, resident)
    assert case["alarm_id"] == alarm_id and case["household_id"] == household
    staff = h.staff(community)
    await h.step(wo_id, "accept", staff)
    await h.register_staff(community, "s-1")
    await h.step(wo_id, "assign", staff, assignee_id="s-1")
    for action in ("start", "resolve"):
        await h.step(wo_id, action, staff)
    await h.step(wo_id, "close", resident)
    rated = await h.step(wo_id, "rate", resident, rating=4)
    assert rated["rating"] == 4
    assert await h.ids(h.resident(f"hh-{uuid.uuid4().hex[:8]}")) == []  # a neighbour sees none


async def test_a_misspelt_filter_is_refused_not_ignored(harness: Harness, community: str) -> None:
    """Issue 19 item 4: a filter the list does not know (``assigne``) is a 422 naming it,
    in the reader's language, not the whole list of cases."""
    staff = {**harness.staff(community), "Accept-Language": "en"}
    refused = await harness.client.get(
        "/api/v1/work-orders", params={"assigne": "s-1"}, headers=staff
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "request.unknown_parameter"
    assert problem["parameters"] == ["assigne"]
    assert problem["detail"].startswith("This list does not accept the query parameter assigne")
    assert problem["messages"]["zh-CN"].startswith("此列表不支持查询参数 assigne")
