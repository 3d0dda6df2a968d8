"""A wearable leaving the elder's safe zone tells the son and the grid worker once."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from care_helpers import Harness, read_events, send_model

from sc_contracts.events import NotificationRequestedV1, TelemetryRecordedV1

HOME = (31.2304, 121.4737)
M_PER_DEG = math.pi / 180 * 6_371_008.8


async def test_leaving_the_safe_zone_is_told_once(harness: Harness, community: str) -> None:
    h = harness
    bootstrap = h.settings.kafka_bootstrap_servers
    pid = f"w-{community}"
    r = await h.client.post(
        "/api/v1/care/people",
        json={
            "name": "赵桂兰",
            "birth_date": "1939-09-09",
            "gender": "female",
            "community_id": community,
            "person_id": pid,
            "guardians": [f"u-son-{pid}"],
            "has_capacity": False,
        },
        headers=h.doctor(community),
    )
    assert r.status_code == 201, r.text
    son = h.user(f"u-son-{pid}")
    r = await h.client.post(
        f"/api/v1/care/people/{pid}/grants",
        json={
            "grantee": f"u-son-{pid}",
            "relation": "family",
            "categories": ["whereabouts"],
            "notify": True,
        },
        headers=son,
    )  # a guardian grants for her (she has no capacity); he is told as a grantee
    assert r.status_code == 201, r.text
    r = await h.client.post(
        f"/api/v1/care/people/{pid}/devices", json={"device_id": f"wb-{pid}"}, headers=son
    )
    assert r.status_code == 204
    r = await h.client.put(
        f"/api/v1/care/people/{pid}/safe-zone",
        json={
            "name": "家附近",
            "geometry": {"type": "circle", "lat": HOME[0], "lng": HOME[1], "radius_m": 500},
        },
        headers=son,
    )
    assert r.status_code == 204, r.text
    bad = await h.client.put(
        f"/api/v1/care/people/{pid}/safe-zone",
        json={
            "name": "x",
            "geometry": {"type": "polygon", "points": [[31.0, 121.0], [31.1, 121.1]]},
        },
        headers=son,
    )
    assert bad.status_code == 422 and bad.json()["code"] == "care.zone_invalid"
    r = await h.client.put(
        f"/api/v1/care/people/{pid}/safe-zone",
        json={
            "name": "家附近",
            "geometry": {"type": "circle", "lat": HOME[0], "lng": HOME[1], "radius_m": 500},
        },
        headers=son,
    )
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    for i, metres in enumerate([0, 300, 800, 1200, 1500]):
        ts = t0 + timedelta(minutes=i)
        await send_model(
            bootstrap,
            h.topic(TelemetryRecordedV1.topic),
            TelemetryRecordedV1(
                device_id=f"wb-{pid}",
                device_type="wearable",
                community_id=community,
                ts=ts,
                values={"latitude": HOME[0] + metres / M_PER_DEG, "longitude": HOME[1]},
                received_at=ts,
            ),
            f"wb-{pid}",
        )

    def about(events):
        kind = NotificationRequestedV1.event_type
        return [
            e for e in events if e.type == kind and e.data["variables"].get("person") == "赵桂兰"
        ]

    found = await read_events(
        bootstrap, h.topic(NotificationRequestedV1.topic), lambda ev: bool(about(ev)), settle=3.0
    )
    notices = about(found)
    assert [n.data["template"] for n in notices] == ["care.wandering.left"]
    assert notices[0].data["recipients"]["user_ids"] == [f"u-son-{pid}"]
    assert notices[0].data["variables"]["zone"] == "家附近"
    assert notices[0].data["variables"]["distance"] == "300"


async def test_a_safe_zone_the_watch_cannot_read_is_refused_by_its_schema(
    harness: Harness, community: str
) -> None:
    """The zone's geometry is typed (a circle or a polygon of positions): a shape the watch
    could not read is a 422 naming the field, before any use case runs."""
    h = harness
    pid = f"z-{community}"
    r = await h.client.post(
        "/api/v1/care/people",
        json={
            "name": "钱玉芬",
            "birth_date": "1941-03-03",
            "gender": "female",
            "community_id": community,
            "person_id": pid,
            "guardians": [f"u-son-{pid}"],
            "has_capacity": False,
        },
        headers=h.doctor(community),
    )
    assert r.status_code == 201, r.text
    son = h.user(f"u-son-{pid}")
    for geometry in (
        {},
        {"type": "square", "lat": HOME[0], "lng": HOME[1]},
        {"type": "circle", "lat": HOME[0], "lng": HOME[1]},
        {"type": "circle", "lat": 91, "lng": HOME[1], "radius_m": 500},
        {"type": "circle", "lat": HOME[0], "lng": HOME[1], "radius_m": 0},
        {"type": "polygon", "points": "abc"},
        {"type": "polygon", "points": [[31.0, 121.0, 5], [31.1, 121.1], [31.2, 121.0]]},
        {"type": "polygon", "points": [[31.0, 121.0], [95.0, 121.1], [31.2, 121.0]]},
    ):
        bad = await h.client.put(
            f"/api/v1/care/people/{pid}/safe-zone",
            json={"name": "家附近", "geometry": geometry},
            headers=son,
        )
        assert bad.status_code == 422, (geometry, bad.text)
        assert bad.json()["code"] == "request.validation_failed", bad.text
        assert all(e["field"].startswith("body.geometry") for e in bad.json()["errors"])
    square = [[31.0, 121.0], [31.0, 121.01], [31.01, 121.01], [31.01, 121.0]]
    r = await h.client.put(
        f"/api/v1/care/people/{pid}/safe-zone",
        json={"name": "小区", "geometry": {"type": "polygon", "points": square}},
        headers=son,
    )
    assert r.status_code == 204, r.text
