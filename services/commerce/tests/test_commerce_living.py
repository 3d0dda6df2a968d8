"""Must show: people living in shops (九小场所住人, 6.3 b) are found from the shop's nights.
The rules are data (pure tests below); over the broker, night-time power of the meter in a
shop's room on three nights of a week flags the shop with the reason in words and
publishes it once for work-orders (the grid worker's case), a redelivered reading changes
nothing; entries by a shop's door at night on two nights flag another, an entry counted
once however often it is delivered; daytime, outward and refused passages count for
nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from test_commerce_shops import S, storefront, verified_merchant

from commerce.db.models import ShopEntry, ShopNight
from commerce.domain import living as lv
from commerce_helpers import Harness, eventually
from sc_contracts.events import PassageRecordedV1, ShopFlaggedV1, TelemetryRecordedV1

ZONE = ZoneInfo("Asia/Shanghai")


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, ZONE)


# the rules, pure -------------------------------------------------------------------------
def test_a_night_runs_from_eleven_to_five_and_is_named_by_its_evening() -> None:
    d = date(2026, 11, 20)
    assert lv.night_of(at(d, time(23, 0))) == d
    assert lv.night_of(at(d + timedelta(days=1), time(4, 59))) == d
    assert lv.night_of(at(d + timedelta(days=1), time(5, 0))) == d  # the window's end
    assert lv.night_of(at(d, time(22, 59))) is None
    assert lv.night_of(at(d, time(12, 0))) is None
    assert lv.night_of(datetime(2026, 11, 20, 15, 30, tzinfo=UTC)) == d  # 23:30 in Beijing


def test_power_on_three_nights_of_a_week_or_entries_on_two_flag_a_shop() -> None:
    d = date(2026, 11, 20)

    def powered(n: int, kwh: float = 2.0) -> lv.Night:
        return lv.Night(d - timedelta(days=n), 100.0, 100.0 + kwh)

    assert lv.verdict([powered(0), powered(1)], d) is None
    assert lv.verdict([powered(0), powered(1), powered(2, kwh=1.5)], d) is None  # not above
    assert lv.verdict([powered(0), powered(1), powered(7)], d) is None  # a week back is out
    found = lv.verdict([powered(0), powered(3), powered(6, kwh=3.24)], d)
    assert found is not None and found.reason == lv.NIGHT_POWER
    assert found.zh == (
        "近7晚中有3晚在23:00至次日05:00用电超过1.5千瓦时（最多3.2千瓦时），可能有人在店内居住"
    )
    assert found.en.startswith("On 3 of the last 7 nights more than 1.5 kWh")
    entered = [lv.Night(d, entries=2), lv.Night(d - timedelta(days=4), entries=1)]
    assert lv.verdict(entered[:1], d) is None
    found = lv.verdict(entered, d)
    assert found is not None and found.reason == lv.NIGHT_PASSAGES
    assert "近7晚中有2晚" in found.zh and "共3次" in found.zh and "(3 times)" in found.en
    # stricter rules are data too
    strict = lv.LivingRules(power_baseline_kwh=0.5, power_nights=1)
    assert lv.verdict([powered(0, kwh=0.6)], d, strict) is not None


# over the broker -------------------------------------------------------------------------
def reading(room: str, community: str, ts: datetime, kwh: float, device: str) -> Any:
    return TelemetryRecordedV1.model_validate(
        {
            "device_id": device,
            "device_type": "electricity_meter",
            "community_id": community,
            "building_id": "b-9",
            "room_id": room,
            "ts": ts,
            "values": {"totalActiveEnergyImport": kwh, "activePower": 0.4},
            "received_at": ts,
        }
    )


def passage(door: str, community: str, ts: datetime, **more: Any) -> PassageRecordedV1:
    return PassageRecordedV1.model_validate(
        {
            "passage_id": str(uuid.uuid4()),
            "device_id": f"dev-{door}",
            "door_id": door,
            "community_id": community,
            "direction": "in",
            "method": "card",
            "ts": ts,
            **more,
        }
    )


async def nights_of(h: Harness, shop_id: str) -> dict[date, ShopNight]:
    async with h.app.state.runtime.db.uow() as uow:
        rows = await uow.session.scalars(
            select(ShopNight).where(ShopNight.shop_id == uuid.UUID(shop_id))
        )
        return {n.night: n for n in rows}


async def flags_published(h: Harness, shop_id: str) -> int:
    async with h.app.state.runtime.db.uow() as uow:
        found = await uow.session.scalar(
            select(func.count())
            .select_from(text("event_outbox"))
            .where(text("topic = :topic AND key = :key")),
            {"topic": h.topic(ShopFlaggedV1), "key": shop_id},
        )
        return int(found or 0)


async def test_night_power_at_a_shop_s_room_flags_it_once_for_the_grid_worker(
    harness: Harness, community: str
) -> None:
    h = harness
    mid = await verified_merchant(h, community, "m-night", name="夜灯小铺")
    owner = h.merchant(community, "m-night")
    room, meter = f"r-shop-{uuid.uuid4().hex[:6]}", f"em-{uuid.uuid4().hex[:6]}"
    r = await h.client.post(S, json=storefront(mid, room_id=room), headers=owner)
    assert r.status_code == 201, r.text
    shop = r.json()
    assert shop["flagged"] is False and shop["room_id"] == room

    first = date.today() - timedelta(days=10)
    counter = 1000.0

    async def night(n: int, used: float) -> list[Any]:
        nonlocal counter
        day = first + timedelta(days=n)
        sent = [
            reading(room, community, at(day, time(14, 0)), counter - 5, meter),  # by day
            reading(room, community, at(day, time(23, 0)), counter, meter),
            reading(
                room, community, at(day + timedelta(days=1), time(4, 30)), counter + used, meter
            ),
        ]
        counter += used + 8
        for e in sent:
            await h.send(e, key=meter)
        return sent

    await night(0, 2.0)
    await night(1, 0.4)  # a fridge and a light: below the baseline
    await night(2, 2.5)
    assert await eventually(lambda: _has_nights(h, shop["id"], 3))
    r = await h.client.get(f"{S}/{shop['id']}", headers=owner)
    assert r.json()["flagged"] is False  # two nights above the baseline are not three

    third = await night(5, 3.0)
    staff = h.staff(community)

    async def flagged() -> dict[str, Any] | None:
        r = await h.client.get(f"{S}/{shop['id']}", headers=staff)
        return r.json() if r.json()["flagged"] else None

    seen = await eventually(flagged)
    assert seen["flag_label"]["zh-CN"] == (
        "近7晚中有3晚在23:00至次日05:00用电超过1.5千瓦时（最多3.0千瓦时），可能有人在店内居住"
    )
    assert seen["flag_label"]["en"].startswith("On 3 of the last 7 nights more than 1.5 kWh")

    def mine(found: list[Any]) -> list[Any]:
        return [e.data for e in found if e.data.get("shop_id") == shop["id"]]

    [event] = mine(await h.read(ShopFlaggedV1, lambda found: bool(mine(found))))
    assert event["reason"] == "night_power" and event["reason_zh"] == seen["flag_label"]["zh-CN"]
    assert event["building_id"] == "b-9" and event["room_id"] == room
    assert event["shop_name"] == "幸福里 生鲜小铺" and event["community_id"] == community

    # the same readings again, then another night: nothing moves, nothing more is published
    for e in third:
        await h.send(e, key=meter)
    await night(6, 2.2)
    assert await eventually(lambda: _has_nights(h, shop["id"], 5))
    nights = await nights_of(h, shop["id"])
    fifth = nights[first + timedelta(days=5)]
    assert (fifth.energy_min, fifth.energy_max) == (
        third[1].values["totalActiveEnergyImport"],
        third[2].values["totalActiveEnergyImport"],
    )
    r = await h.client.get(f"{S}/{shop['id']}", headers=staff)
    assert r.json()["flagged_at"] == seen["flagged_at"]
    assert await flags_published(h, shop["id"]) == 1


async def _has_nights(h: Harness, shop_id: str, count: int) -> bool:
    return len(await nights_of(h, shop_id)) >= count


async def test_entries_by_a_shop_s_door_at_night_flag_it(harness: Harness, community: str) -> None:
    h = harness
    mid = await verified_merchant(h, community, "m-door", name="夜归小店")
    owner = h.merchant(community, "m-door")
    door = f"d-{uuid.uuid4().hex[:6]}"
    r = await h.client.post(S, json=storefront(mid, door_id=door), headers=owner)
    assert r.status_code == 201, r.text
    shop = r.json()
    day = date.today() - timedelta(days=5)

    entry = passage(door, community, at(day, time(23, 40)))
    sent = await h.send(entry, key=entry.device_id)
    for e in (
        passage(door, community, at(day, time(15, 0))),  # by day
        passage(door, community, at(day, time(23, 50)), direction="out"),
        passage(door, community, at(day, time(23, 55)), granted=False),
        passage(f"{door}-x", community, at(day, time(23, 45))),  # another door
    ):
        await h.send(e, key=e.device_id)
    await h.redeliver(sent, PassageRecordedV1, entry.device_id)  # the same event again
    await h.send(entry, key=entry.device_id)  # the same passage published twice
    await h.send(passage(door, community, at(day, time(23, 58))), key=entry.device_id)

    async def entries() -> int:
        async with h.app.state.runtime.db.uow() as uow:
            found = await uow.session.scalar(
                select(func.count())
                .select_from(ShopEntry)
                .where(ShopEntry.shop_id == uuid.UUID(shop["id"]), ShopEntry.night == day)
            )
            return int(found or 0)

    assert await eventually(lambda: _at_least(entries, 2))
    assert await entries() == 2  # the first and the last; nothing else
    r = await h.client.get(f"{S}/{shop['id']}", headers=owner)
    assert r.json()["flagged"] is False  # one night is not two

    later = day + timedelta(days=2)
    e = passage(door, community, at(later + timedelta(days=1), time(2, 10)))
    await h.send(e, key=e.device_id)

    async def flagged() -> dict[str, Any] | None:
        r = await h.client.get(f"{S}/{shop['id']}", headers=owner)
        return r.json() if r.json()["flagged"] else None

    seen = await eventually(flagged)
    assert seen["flag_label"] == {
        "zh-CN": "近7晚中有2晚在23:00至次日05:00有人从店门进入（共3次），可能有人在店内居住",
        "en": "On 2 of the last 7 nights someone went in by the shop's door between 23:00 and "
        "05:00 (3 times): people may be living in the shop",
    }
    # residents see no flag
    household = f"hh-{uuid.uuid4().hex[:8]}"
    await h.place(household, community)
    r = await h.client.get(f"{S}/{shop['id']}", headers=h.resident(household))
    assert r.json()["flagged"] is None and r.json()["door_id"] is None


async def _at_least(probe: Any, n: int) -> bool:
    return bool(await probe() >= n)
