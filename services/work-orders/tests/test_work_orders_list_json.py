"""The list of cases is serialised from rows in one pass (ADR 0039): every item is what the
response model makes of the same case, field for field, and the page keeps its paging."""

from __future__ import annotations

import uuid

from wo_helpers import Harness
from work_orders.api import views
from work_orders.api.schemas.cases import WorkOrderRead
from work_orders.db import cases as repo
from work_orders.usecases.cases import now_utc


async def test_listed_cases_are_what_the_response_model_makes_of_them(
    harness: Harness, community: str
) -> None:
    h = harness
    household = f"hh-{uuid.uuid4().hex[:8]}"
    resident = h.resident(household)
    for n in range(3):
        await h.create(
            resident,
            case_type="repair",
            title=f"楼道灯不亮 Stairway light out ({n})",
            description='三楼 third floor\n"night"',
            community_id=community,
            building_id="b-1",
            household_id=household,
            place="1-1 楼道 stairway",
        )
    manager = h.staff(community, sub="mgr-json", role="property_manager")

    r = await h.client.get("/api/v1/work-orders", params={"limit": 2}, headers=manager)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    page = r.json()
    assert (page["total"], page["limit"], page["offset"], page["next_offset"]) == (3, 2, 0, 2)
    assert page["total_exact"] is True and page["next_cursor"]
    assert len(page["items"]) == 2

    rest = await h.client.get(
        "/api/v1/work-orders", params={"cursor": page["next_cursor"]}, headers=manager
    )
    assert rest.status_code == 200, rest.text
    items = page["items"] + rest.json()["items"]
    assert len({i["id"] for i in items}) == 3

    now = now_utc()
    async with h.db.uow(read_only=True) as uow:
        for item in items:
            wo = await repo.get(uow, uuid.UUID(item["id"]))
            assert wo is not None
            expected = views.case(wo, now).model_dump(mode="json")
            assert item.keys() == WorkOrderRead.model_fields.keys()
            assert WorkOrderRead.model_validate(item).model_dump(mode="json") == expected
            assert item == expected
