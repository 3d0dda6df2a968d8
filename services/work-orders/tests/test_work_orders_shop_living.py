"""Must show: a shop commerce flagged as a place where people may be living (九小场所住人,
``commerce.shops.v1``) opens one shop living check case (商铺住人核查) in the shop's
building, so the grid worker of that grid sees it in their list and works it; the reason
is in words, zh-CN first; the flag delivered again (the same event, or the same flag
published twice) opens nothing more; a grid worker of another grid never sees it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sc_contracts.events import HouseholdChangedV1, ShopFlaggedV1
from sc_core.auth import Grant
from sc_core.bus.cloudevents import CloudEvent
from sc_core.places import HouseholdPlace, Places
from wo_helpers import Harness, eventually, send_event
from work_orders.db.models import PLACES


async def test_a_flagged_shop_opens_one_case_the_grid_worker_sees(
    harness: Harness, community: str
) -> None:
    h = harness
    bootstrap = h.settings.kafka_bootstrap_servers
    grid, building = f"g-{uuid.uuid4().hex[:6]}", f"b-{uuid.uuid4().hex[:6]}"
    household = f"hh-{uuid.uuid4().hex[:8]}"
    # identity places a household in the shop's building, whose grid it names
    placed = HouseholdChangedV1.model_validate(
        {
            "aggregate_id": household,
            "household_id": household,
            "change": "created",
            "placement": {
                "community_id": community,
                "building_id": building,
                "unit_id": "u-1",
                "room_id": "r-201",
                "grid_id": grid,
            },
            "member_count": 1,
            "status": "active",
            "changed_by": "admin",
            "changed_at": datetime.now(UTC),
        }
    )
    await send_event(
        bootstrap, h.identity_topic, CloudEvent.of(placed, source="/services/identity"), household
    )

    async def projected() -> HouseholdPlace | None:
        async with h.db.uow() as uow:
            return await Places(PLACES).household(uow, household)

    assert await eventually(projected)

    shop_id = str(uuid.uuid4())
    flag = ShopFlaggedV1.model_validate(
        {
            "flag_id": f"shop-flag-{uuid.uuid4().hex}",
            "shop_id": shop_id,
            "merchant_id": str(uuid.uuid4()),
            "community_id": community,
            "building_id": building,
            "room_id": "r-102",
            "shop_name": "夜灯小铺",
            "address": "幸福里社区 3号楼底商 102",
            "reason": "night_power",
            "reason_zh": "近7晚中有3晚在23:00至次日05:00用电超过1.5千瓦时（最多3.0千瓦时），"
            "可能有人在店内居住",
            "reason_en": "On 3 of the last 7 nights more than 1.5 kWh of power was used between "
            "23:00 and 05:00 (up to 3.0 kWh): people may be living in the shop",
            "flagged_at": datetime.now(UTC),
        }
    )
    topic = h.settings.topic(ShopFlaggedV1.topic)
    event = CloudEvent.of(flag, source="/services/commerce", subject=shop_id)
    await send_event(bootstrap, topic, event, shop_id)
    await send_event(bootstrap, topic, event, shop_id)  # redelivered: the same event
    again = CloudEvent.of(flag, source="/services/commerce", subject=shop_id)
    await send_event(bootstrap, topic, again, shop_id)  # the same flag, published twice
    # a later flag of another shop on the same key's partition shows the three were read
    other = flag.model_copy(
        update={"flag_id": f"shop-flag-{uuid.uuid4().hex}", "shop_name": "另一家店"}
    )
    await send_event(bootstrap, topic, CloudEvent.of(other, source="/services/commerce"), shop_id)

    grid_worker = h.issuer.bearer("gw-9", grants=[Grant("grid_worker", "grid", grid)])

    async def cases() -> list[dict[str, Any]]:
        r = await h.client.get(
            "/api/v1/work-orders",
            params={"type": "shop_living_check"},
            headers=grid_worker,
        )
        assert r.status_code == 200, r.text
        items: list[dict[str, Any]] = r.json()["items"]
        return items

    async def both() -> list[dict[str, Any]] | None:
        found = await cases()
        return found if any(c["title"] == "商铺住人核查：另一家店" for c in found) else None

    found = await eventually(both)
    mine = [c for c in found if c["title"] == "商铺住人核查：夜灯小铺"]
    assert len(mine) == 1  # one case for the flag, however often it came
    case_id = mine[0]["id"]
    status, case = await h.get(case_id, grid_worker)
    assert status == 200, case
    assert case["case_type"] == "shop_living_check" and case["source"] == "commerce"
    assert (case["community_id"], case["building_id"], case["grid_id"]) == (
        community,
        building,
        grid,
    )
    assert case["description"].startswith("近7晚中有3晚在23:00至次日05:00用电超过1.5千瓦时")
    assert "people may be living in the shop" in case["description"]
    assert case["external_ref"] == flag.flag_id and case["place"] == flag.address
    # the grid worker works it
    await h.step(case_id, "accept", grid_worker)
    # another grid's worker does not see it
    stranger = h.issuer.bearer("gw-8", grants=[Grant("grid_worker", "grid", "g-elsewhere")])
    assert (await h.get(case_id, stranger))[0] == 404
