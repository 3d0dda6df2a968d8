"""Activity venues with live status (活动场所, 6.2.2) on PostgreSQL and Kafka: the community
admin adds the elders' activity room and binds its people counter and door contact; a
resident of the community lists it with no live data yet; the counter's reading of 9
people in a room for 10 moves it to busy in words; the door contact saying "closed" closes
it, "open" opens it again as busy as before (an older count that came late changed
nothing); a venue outside its hours is closed; a resident cannot keep venues; another
community's resident sees none of them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from care_helpers import Harness, eventually, send_model
from test_care_mutual_aid_flow import place

from sc_contracts.events import TelemetryRecordedV1

VENUES = "/api/v1/care/venues"


async def test_a_reading_moves_the_activity_room_to_busy_then_closed(
    harness: Harness, community: str
) -> None:
    h = harness
    home, far = f"h-{community}-301", f"h-{community}-far-1"
    await place(h, community, home, f"r-{home}")
    await place(h, f"{community}-far", far, f"r-{far}")
    admin = h.user("u-venue-admin", "community_admin", ("community", community))
    resident = h.user("u-venue-res", scope=("household", home))
    stranger = h.user("u-venue-far", scope=("household", far))

    room = {"community_id": community, "name": "老年活动室", "place": "社区服务中心二楼",
            "capacity": 10}  # fmt: skip
    r = await h.client.post(VENUES, json=room, headers=resident)
    assert r.status_code == 403 and r.json()["code"] == "auth.out_of_scope"
    r = await h.client.post(VENUES, json=room, headers=admin)
    assert r.status_code == 201, r.text
    venue = r.json()
    assert (venue["status"], venue["status_text"], venue["status_text_en"]) == (
        "unknown", "暂无实时数据", "no live data",
    )  # fmt: skip
    assert venue["hours_text"] == "全天开放" and venue["people_now"] is None
    assert venue["words"] == "老年活动室：暂无实时数据"

    counter, door = f"cnt-{community}", f"door-{community}"
    for device, kind in ((counter, "occupancy"), (door, "door")):
        r = await h.client.post(
            f"{VENUES}/{venue['id']}/devices", json={"device_id": device, "kind": kind},
            headers=admin,
        )  # fmt: skip
        assert r.status_code == 200, r.text
    assert {(d["device_id"], d["kind_text"]) for d in r.json()["devices"]} == {
        (counter, "客流计数器"), (door, "门磁"),
    }  # fmt: skip

    # a room that opens in two hours, for an hour: closed now, whatever it holds
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    later = {**room, "name": "阅览室", "opens": f"{(now + timedelta(hours=2)):%H:%M}",
             "closes": f"{(now + timedelta(hours=3)):%H:%M}"}  # fmt: skip
    r = await h.client.post(VENUES, json=later, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "closed" and r.json()["words"] == "阅览室：未开放"

    bootstrap, topic = h.settings.kafka_bootstrap_servers, h.topic(TelemetryRecordedV1.topic)
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)

    async def report(device: str, kind: str, values: dict[str, int | bool],
                     when: datetime) -> None:  # fmt: skip
        e = TelemetryRecordedV1(device_id=device, device_type=kind, community_id=community,
                                ts=when, values=values, received_at=when)  # fmt: skip
        await send_model(bootstrap, topic, e, counter)  # one partition: in this order

    await report(counter, "occupancy_counter", {"peopleCount": 9}, at)

    async def listed() -> dict:
        r = await h.client.get(VENUES, params={"community_id": community}, headers=resident)
        assert r.status_code == 200, r.text
        return {v["name"]: v for v in r.json()["items"]}

    async def busy() -> bool:
        return (await listed()).get("老年活动室", {}).get("status") == "busy"

    assert await eventually(busy, timeout=60)
    seen = (await listed())["老年活动室"]
    assert (seen["status_text"], seen["status_text_en"]) == ("较拥挤", "busy")
    assert seen["people_now"] == 9 and seen["words"] == "老年活动室：较拥挤（约9人，可容纳10人）"
    assert seen["words_en"] == "老年活动室: busy (about 9 of 10 people)"

    # an older count arrives late, then the keeper locks the door (read in this order)
    await report(counter, "occupancy_counter", {"peopleCount": 2}, at - timedelta(minutes=5))
    await report(door, "door_contact", {"open": False}, at + timedelta(seconds=30))

    async def status_is(wanted: str) -> bool:
        return (await listed())["老年活动室"]["status"] == wanted

    assert await eventually(lambda: status_is("closed"), timeout=60)
    assert (await listed())["老年活动室"]["words"] == "老年活动室：未开放"
    await report(door, "door_contact", {"open": True}, at + timedelta(seconds=40))
    assert await eventually(lambda: status_is("busy"), timeout=60)
    assert (await listed())["老年活动室"]["people_now"] == 9  # not the older 2

    # another community's resident sees none of them
    r = await h.client.get(VENUES, headers=stranger)
    assert r.status_code == 200 and r.json()["items"] == []
    r = await h.client.get(f"{VENUES}/{venue['id']}", headers=stranger)
    assert r.status_code == 404 and r.json()["code"] == "care.venue_not_found"
    r = await h.client.get(VENUES, headers=resident)
    assert sorted(v["name"] for v in r.json()["items"]) == ["老年活动室", "阅览室"]
