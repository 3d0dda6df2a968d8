"""AED and first-aid points (AED 与急救点): the community's doctor puts them on the map, a
resident cannot; the nearest usable AED from a position comes first with its distance and
walk in words; one out of service, one closed at night and one 6 km away are left out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from care_helpers import Harness

from care.usecases.aid_points import AidPoints

TZ = ZoneInfo("Asia/Shanghai")
LAT, LNG = 31.2000, 121.4000  # where the resident stands
M_LAT = 1 / 111_320.0  # degrees of latitude per metre


@pytest.fixture
def night(harness: Harness) -> Iterator[None]:
    points: AidPoints = harness.app.state.usecases.aid_points
    saved = points.clock
    at = datetime.combine(datetime.now(TZ).date(), time(2, 0), TZ).astimezone(UTC)
    points.clock = lambda: at
    yield
    points.clock = saved


async def _point(h: Harness, community: str, name: str, north_m: float, **extra: Any) -> str:
    r = await h.client.post(
        "/api/v1/care/aid-points",
        json={"community_id": community, "name": name, "lat": LAT + north_m * M_LAT, "lng": LNG}
        | extra,
        headers=h.doctor(community),
    )
    assert r.status_code == 201, r.text
    point_id: str = r.json()["id"]
    return point_id


async def test_the_nearest_usable_aed_first_in_words(
    harness: Harness, community: str, night: None
) -> None:
    h = harness
    lat = LAT + 0.37  # a place of its own, far from the other tests' points
    r = await h.client.post(
        "/api/v1/care/aid-points",
        json={"community_id": community, "name": "门卫室", "lat": lat, "lng": LNG},
        headers=h.user("u-resident"),
    )
    assert r.status_code == 403 and r.json()["messages"]["zh-CN"].startswith("只有本社区")

    def at(m: float) -> float:
        return 0.37 / M_LAT + m

    hall = await _point(h, community, "社区服务中心一楼大厅", at(240))
    broken = await _point(h, community, "3号楼门厅", at(50))
    await _point(h, community, "社区卫生服务站", at(80), opens="08:00", closes="18:00")
    await _point(h, community, "急救箱（物业前台）", at(30), kind="first_aid")
    await _point(h, community, "邻近社区", at(6000))
    r = await h.client.patch(
        f"/api/v1/care/aid-points/{broken}", json={"in_service": False},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["in_service"] is False

    resident = h.user("u-resident")
    r = await h.client.get(
        "/api/v1/care/aid-points/nearest", params={"lat": lat, "lng": LNG}, headers=resident
    )
    assert r.status_code == 200, r.text
    found = r.json()
    assert [p["id"] for p in found] == [hall]
    assert found[0]["distance_m"] == 240 and found[0]["walk_minutes"] == 3
    assert found[0]["words_zh"] == "社区服务中心一楼大厅，约240米，步行约3分钟"
    assert found[0]["words_en"] == "社区服务中心一楼大厅, about 240 m, 3 min on foot"

    r = await h.client.get(
        "/api/v1/care/aid-points/nearest", params={"lat": lat, "lng": LNG, "kind": "first_aid"},
        headers=resident,
    )  # fmt: skip
    assert [p["name"] for p in r.json()] == ["急救箱（物业前台）"]

    r = await h.client.patch(
        f"/api/v1/care/aid-points/{broken}", json={"in_service": True}, headers=resident
    )
    assert r.status_code == 404
    r = await h.client.patch(
        f"/api/v1/care/aid-points/{broken}", json={"in_service": True},
        headers=h.doctor(community),
    )  # fmt: skip
    assert r.status_code == 200
    r = await h.client.get(
        "/api/v1/care/aid-points/nearest", params={"lat": lat, "lng": LNG}, headers=resident
    )
    assert [p["id"] for p in r.json()] == [broken, hall]

    r = await h.client.get(
        "/api/v1/care/aid-points", params={"community_id": community}, headers=resident
    )
    assert r.status_code == 200 and r.json()["total"] == 5
