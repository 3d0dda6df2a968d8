"""People living in shops: the thresholds are settings (``LIVING_*``, defaults as the
rules always were), and a shop flagged only by entries at its door lands in its door's
building (identity's ``DoorChangedV1``), so work-orders opens the case in the grid
worker's scope; over commerce's consumers on a real PostgreSQL and Kafka."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from test_commerce_living import at, passage
from test_commerce_shops import S, storefront, verified_merchant

from commerce.config import Settings
from commerce.db.models import Door
from commerce.domain import living as lv
from commerce_helpers import Harness, eventually
from sc_contracts.events import DoorChangedV1, ShopFlaggedV1


def test_the_living_thresholds_are_settings_and_default_to_the_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().living_rules() == lv.RULES
    monkeypatch.setenv("LIVING_POWER_BASELINE_KWH", "2.5")
    monkeypatch.setenv("LIVING_POWER_NIGHTS", "4")
    monkeypatch.setenv("LIVING_PASSAGE_NIGHTS", "3")
    monkeypatch.setenv("LIVING_NIGHT_STARTS", "22:30")
    monkeypatch.setenv("LIVING_NIGHT_ENDS", "06:00")
    rules = Settings().living_rules()
    assert (rules.power_baseline_kwh, rules.power_nights, rules.passage_nights) == (2.5, 4, 3)
    assert (rules.night_starts, rules.night_ends, rules.week_nights) == (
        time(22, 30),
        time(6, 0),
        7,
    )
    # the rules follow: 2 nights of entries no longer flag a shop, 3 do
    day = date(2026, 3, 1)
    two = [lv.Night(day, entries=1), lv.Night(day + timedelta(days=1), entries=1)]
    assert lv.verdict(two, day + timedelta(days=1), rules) is None
    three = [*two, lv.Night(day + timedelta(days=2), entries=1)]
    found = lv.verdict(three, day + timedelta(days=2), rules)
    assert found is not None and found.zh.startswith("近7晚中有3晚在22:30至次日06:00")
    # a count of nights the week cannot hold, a window that is not a night: refused
    monkeypatch.setenv("LIVING_PASSAGE_NIGHTS", "8")
    with pytest.raises(ValidationError, match="LIVING_PASSAGE_NIGHTS"):
        Settings()
    monkeypatch.setenv("LIVING_PASSAGE_NIGHTS", "2")
    monkeypatch.setenv("LIVING_NIGHT_ENDS", "23:30")
    with pytest.raises(ValidationError, match="LIVING_NIGHT_ENDS"):
        Settings()


def door_changed(door: str, community: str, building: str | None) -> DoorChangedV1:
    return DoorChangedV1(
        aggregate_id=door,
        door_id=door,
        change="registered",  # type: ignore[arg-type]
        community_id=community,
        building_id=building,
        device_id=f"dev-{door}",
        changed_by="admin",
        changed_at=datetime.now(UTC),
    )


async def test_a_shop_flagged_by_its_door_lands_in_the_door_s_building(
    harness: Harness, community: str
) -> None:
    h = harness
    door, building = f"d-{uuid.uuid4().hex[:6]}", f"b-{uuid.uuid4().hex[:6]}"
    await h.send(door_changed(door, community, building), key=door)

    async def known() -> bool:
        async with h.app.state.runtime.db.uow() as uow:
            found = await uow.session.scalar(select(Door.building_id).where(Door.door_id == door))
            return found == building

    assert await eventually(known)
    mid = await verified_merchant(h, community, "m-door-building", name="夜宿小卖部")
    owner = h.merchant(community, "m-door-building")
    r = await h.client.post(S, json=storefront(mid, door_id=door), headers=owner)
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    day = date.today() - timedelta(days=4)
    for night in (day, day + timedelta(days=2)):
        e = passage(door, community, at(night, time(23, 30)))
        await h.send(e, key=e.device_id)

    def mine(found: list[Any]) -> list[Any]:
        return [e.data for e in found if e.data.get("shop_id") == sid]

    [flag] = mine(await h.read(ShopFlaggedV1, lambda found: len(mine(found)) >= 1))
    assert flag["reason"] == "night_passages" and flag["room_id"] is None
    assert flag["building_id"] == building  # the grid worker of its grid gets the case

    async def flagged() -> bool:
        r = await h.client.get(f"{S}/{sid}", headers=owner)
        return bool(r.json()["flagged"])

    assert await eventually(flagged)
