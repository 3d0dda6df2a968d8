"""Issue 25 item 2: a task a district platform sent down through gov-affairs
(``gov.city-tasks.v1``) opens one case of its kind in its community: an inspection a
巡检 case, a population check a 人口核查 case in the building's grid for the grid worker;
the same request delivered again opens nothing more; a warning is no case."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sc_contracts.events import CityTaskCaseRequestedV1, HouseholdChangedV1
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent
from sc_core.places import HouseholdPlace, Places
from wo_helpers import Harness, eventually, send_event
from work_orders.db.models import PLACES


def request(community: str, kind: str, title: str, **more: Any) -> CityTaskCaseRequestedV1:
    return CityTaskCaseRequestedV1.model_validate(
        {
            "request_id": str(uuid.uuid4()),
            "task_id": str(uuid.uuid4()),
            "sender": "district-xh",
            "kind": kind,
            "community_id": community,
            "title": title,
            "description": "请于三日内完成并反馈",
            "requested_at": datetime.now(UTC),
            **more,
        }
    )


async def test_tasks_sent_down_open_one_case_each(harness: Harness, community: str) -> None:
    h = harness
    bootstrap = h.settings.kafka_bootstrap_servers
    grid, building = f"g-{uuid.uuid4().hex[:6]}", f"b-{uuid.uuid4().hex[:6]}"
    household = f"hh-{uuid.uuid4().hex[:8]}"
    placed = HouseholdChangedV1.model_validate(
        {
            "aggregate_id": household,
            "household_id": household,
            "change": "created",
            "placement": {"community_id": community, "building_id": building,
                          "unit_id": "u-1", "room_id": "r-301", "grid_id": grid},
            "member_count": 1,
            "status": "active",
            "changed_by": "admin",
            "changed_at": datetime.now(UTC),
        }
    )  # fmt: skip
    await send_event(
        bootstrap, h.identity_topic, CloudEvent.of(placed, source="/services/identity"), household
    )

    async def projected() -> HouseholdPlace | None:
        async with h.db.uow() as uow:
            return await Places(PLACES).household(uow, household)

    assert await eventually(projected)

    due = datetime.now(UTC) + timedelta(days=3)
    check = request(community, "population_check", "3号楼出租房屋人口核查",
                    title_en="Population check of the rented flats of building 3",
                    building_id=building, due_at=due)  # fmt: skip
    inspection = request(community, "inspection", "消防通道专项检查")
    warning = request(community, "warning", "寒潮预警")
    topic = h.settings.topic(CityTaskCaseRequestedV1.topic)
    source = "/services/gov-affairs"
    event = CloudEvent.of(check, source=source)
    await send_event(bootstrap, topic, event, check.request_id)
    await send_event(bootstrap, topic, event, check.request_id)  # redelivered
    again = CloudEvent.of(check, source=source)  # the same request published twice
    await send_event(bootstrap, topic, again, check.request_id)
    await send_event(bootstrap, topic, CloudEvent.of(warning, source=source), warning.request_id)
    await send_event(
        bootstrap, topic, CloudEvent.of(inspection, source=source), inspection.request_id
    )

    admin = h.issuer.bearer("ca-1", grants=[Grant("community_admin", "community", community)])

    async def cases() -> list[dict[str, Any]] | None:
        r = await h.client.get("/api/v1/work-orders", params={"limit": 50}, headers=admin)
        assert r.status_code == 200, r.text
        items: list[dict[str, Any]] = r.json()["items"]
        kinds = {c["case_type"] for c in items}
        return items if {"inspection", "population_check"} <= kinds else None

    found = await eventually(cases)
    assert sorted(c["case_type"] for c in found) == ["inspection", "population_check"]
    checks = [c for c in found if c["case_type"] == "population_check"]
    status, case = await h.get(checks[0]["id"], admin)
    assert status == 200, case
    assert (case["title"], case["source"], case["external_ref"]) == (
        "3号楼出租房屋人口核查",
        "city",
        check.request_id,
    )
    assert (case["building_id"], case["grid_id"]) == (building, grid)
    assert case["details"]["sender"] == "district-xh"
    assert case["details"]["title_en"] == "Population check of the rented flats of building 3"
    # the grid worker of the building's grid sees it and works it
    grid_worker = h.issuer.bearer("gw-1", grants=[Grant("grid_worker", "grid", grid)])
    await h.step(case["id"], "accept", grid_worker)
