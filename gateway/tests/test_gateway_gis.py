"""GIS features: the gateway asks each owner for its lists with the caller's token and
answers one GeoJSON FeatureCollection; persons appear only as counts per building, a part
that fails is named in ``unavailable``, never a 500."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request
from httpx import ASGITransport, AsyncClient

from gateway.app import create_app
from gateway.config import GatewaySettings
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_core.errors import Problem, install_problem_handlers
from sc_devinfra.asgi import serve_app

COMMUNITY = "c-1"
HANGZHOU = (120.1551, 30.2741)  # the community's point, WGS-84 (lng, lat)
B1 = (120.156, 30.275)
WEARER = (120.1577, 30.2766)  # where a wearable and a person's fall say the person is


@dataclass
class Owners:
    seen: list[str] = field(default_factory=list)  # Authorization of every call
    asked: dict[str, dict[str, str]] = field(default_factory=dict)  # path -> last query
    staff: set[str] = field(default_factory=set)  # Authorization values of staff
    many_shelters: int = 0  # more than one page of shelters when set
    shelter_pages: int = 0


def page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "total": len(items), "limit": 100, "offset": 0, "next_offset": None}


def owners_app(o: Owners) -> FastAPI:
    """identity, device-ingestion, alarm, work-orders and care, as far as the map asks;
    identity's lists and the register's counts are for staff only, as in the services."""
    app = FastAPI(title="owners")
    install_problem_handlers(app)

    @app.middleware("http")
    async def record(request: Request, call_next: Any) -> Any:
        if not request.url.path.startswith("/api/"):
            return await call_next(request)  # the gateway reading the OpenAPI document
        o.seen.append(request.headers.get("authorization", ""))
        o.asked[request.url.path] = dict(request.query_params)
        return await call_next(request)

    def staff_only(request: Request) -> None:
        if request.headers.get("authorization") not in o.staff:
            raise Problem(403, "auth.forbidden", "staff only")

    @app.get("/api/v1/communities/{community_id}")
    async def community(community_id: str) -> dict[str, Any]:
        lng, lat = HANGZHOU
        return {
            "id": community_id,
            "code": "xfl",
            "name": "幸福里",
            "longitude": lng,
            "latitude": lat,
        }

    @app.get("/api/v1/buildings")
    async def buildings(request: Request) -> dict[str, Any]:
        staff_only(request)
        return page(
            [
                {
                    "id": "b-1",
                    "name": "1号楼",
                    "code": "1",
                    "floors": 6,
                    "grid_id": "g-1",
                    "longitude": B1[0],
                    "latitude": B1[1],
                },
                {
                    "id": "b-2",
                    "name": "2号楼",
                    "code": "2",
                    "floors": 6,
                    "grid_id": None,
                    "longitude": None,
                    "latitude": None,
                },
            ]
        )

    @app.get("/api/v1/grids")
    async def grids(request: Request) -> dict[str, Any]:
        staff_only(request)
        return page([{"id": "g-1", "name": "第一网格", "building_ids": ["b-1"]}])

    @app.get("/api/v1/devices")
    async def devices() -> dict[str, Any]:
        return page(
            [
                {
                    "id": "d-1",
                    "name": "smoke-1",
                    "label": "1号楼烟感",
                    "device_type": "smoke_detector",
                    "status": "online",
                    "building_id": "b-1",
                    "latitude": None,
                    "longitude": None,
                },
                {
                    "id": "d-2",
                    "name": "light-1",
                    "label": None,
                    "device_type": "street_light",
                    "status": "offline",
                    "building_id": None,
                    "latitude": 30.2745,
                    "longitude": 120.1549,
                },
                {
                    "id": "d-3",
                    "name": "band-1",
                    "label": "手环",
                    "device_type": "wearable",
                    "status": "online",
                    "building_id": "b-1",
                    "household_id": "h-1",
                    "latitude": WEARER[1],
                    "longitude": WEARER[0],
                },
            ]
        )

    @app.get("/api/v1/shelters")
    async def shelters(limit: int = 20, offset: int = 0) -> dict[str, Any]:
        o.shelter_pages += 1
        if o.many_shelters:
            n = o.many_shelters
            rows = [
                {"id": f"s-{i}", "name": f"{i}", "capacity": 1, "lat": 30.27, "lng": 120.15}
                for i in range(offset, min(offset + limit, n))
            ]
            following = offset + limit if offset + limit < n else None
            return {"items": rows, "total": n, "limit": limit, "offset": offset,
                    "next_offset": following}  # fmt: skip
        return page(
            [
                {
                    "id": "s-1",
                    "name": "避难场所",
                    "capacity": 300,
                    "address": "广场",
                    "lat": 30.2736,
                    "lng": 120.1555,
                    "community_id": COMMUNITY,
                }
            ]
        )

    @app.get("/api/v1/key-places")
    async def key_places() -> dict[str, Any]:
        return page(
            [
                {
                    "id": "k-1",
                    "name": "小餐馆",
                    "kind": "nine_small",
                    "community_id": COMMUNITY,
                    "lat": 30.2739,
                    "lng": 120.1560,
                    "cameras": [{"url": "rtsp://x"}],
                },
                {
                    "id": "k-2",
                    "name": "别处",
                    "kind": "other",
                    "community_id": "c-2",
                    "lat": 30.3,
                    "lng": 120.2,
                },
            ]
        )

    @app.get("/api/v1/aid-points")
    async def aid_points() -> Any:
        raise Problem(503, "service.database_unavailable", "down for the test")

    @app.get("/api/v1/alarms")
    async def alarms() -> dict[str, Any]:
        return page(
            [
                {
                    "id": "a-1",
                    "alarm_type": "smoke",
                    "severity": "critical",
                    "status": "active_unack",
                    "title": "烟雾报警",
                    "building_id": "b-1",
                    "room_id": "r-1",
                    "household_id": "h-1",
                    "originator_type": "device",
                    "originator_id": "d-1",
                    "details": {},
                    "first_at": "2026-05-04T01:00:00Z",
                    "last_at": "2026-05-04T01:00:00Z",
                    "cleared_at": None,
                },
                {
                    "id": "a-2",
                    "alarm_type": "fall",
                    "severity": "critical",
                    "status": "active_unack",
                    "title": "跌倒",
                    "building_id": None,
                    "room_id": None,
                    "household_id": "h-1",
                    "originator_type": "person",
                    "originator_id": "p-1",
                    "details": {"latitude": WEARER[1], "longitude": WEARER[0]},
                    "first_at": "2026-05-04T02:00:00Z",
                    "last_at": "2026-05-04T02:00:00Z",
                    "cleared_at": None,
                },
            ]
        )

    @app.get("/api/v1/work-orders")
    async def work_orders() -> dict[str, Any]:
        return page(
            [  # newest first, as the service lists them
                {
                    "id": "w-3",
                    "number": "3",
                    "case_type": "repair",
                    "title": "漏水",
                    "status": "new",
                    "community_id": COMMUNITY,
                    "building_id": None,
                    "longitude": 120.1553,
                    "latitude": 30.2743,
                    "created_at": "2026-05-06T00:00:00Z",
                    "reporter_id": "u-9",
                },
                {
                    "id": "w-2",
                    "number": "2",
                    "case_type": "repair",
                    "title": "灯坏",
                    "status": "new",
                    "community_id": COMMUNITY,
                    "building_id": "b-1",
                    "longitude": None,
                    "latitude": None,
                    "created_at": "2026-05-04T00:00:00Z",
                },
                {
                    "id": "w-9",
                    "number": "9",
                    "case_type": "repair",
                    "title": "别处",
                    "status": "new",
                    "community_id": "c-2",
                    "building_id": None,
                    "longitude": 120.2,
                    "latitude": 30.3,
                    "created_at": "2026-05-04T00:00:00Z",
                },
                {
                    "id": "w-1",
                    "number": "1",
                    "case_type": "repair",
                    "title": "旧的",
                    "status": "closed",
                    "community_id": COMMUNITY,
                    "building_id": "b-1",
                    "longitude": None,
                    "latitude": None,
                    "created_at": "2026-04-01T00:00:00Z",
                },
            ]
        )

    @app.get("/api/v1/alarm-stats")
    async def alarm_stats(request: Request, community_id: str) -> dict[str, Any]:
        special = None
        if request.headers.get("authorization") in o.staff:
            special = {
                "registered": [{"key": "elderly_alone", "count": 4}],
                "registered_by_building": [
                    {"building_id": "b-1", "category": "elderly_alone", "count": 3},
                    {"building_id": "b-1", "category": "disabled", "count": 1},
                    {"building_id": "b-2", "category": "elderly_alone", "count": 1},
                ],
                "emergencies_since": 1,
                "emergencies_unacknowledged": 1,
            }
        return {"community_id": community_id, "special_persons": special}

    return app


Gis = tuple[AsyncClient, LocalIssuer, Owners, Callable[[], Awaitable[None]]]


@pytest.fixture
async def gis() -> AsyncIterator[Gis]:
    o = Owners()
    owners = await serve_app(owners_app(o))
    stop = owners.stop
    issuer = LocalIssuer()
    with JWKSServer(issuer) as jwks:
        settings = GatewaySettings(
            jwks_url=jwks.url,
            upstreams={"owners": owners.url},
            kafka_bootstrap_servers="127.0.0.1:1",
        )
        app = create_app(settings)
        async with (
            LifespanManager(app),
            AsyncClient(transport=ASGITransport(app=app), base_url="http://gw") as client,
        ):
            yield client, issuer, o, stop
    await stop()


def by_id(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["id"]: f for f in body["features"]}


WINDOW = {"since": "2026-05-03T00:00:00+08:00", "until": "2026-05-05T00:00:00+08:00"}


async def test_people_places_things_and_events_of_a_community(gis: Gis) -> None:
    client, issuer, o, _ = gis
    headers = issuer.bearer("u-1", ["community_admin"])
    o.staff.add(headers["Authorization"])
    r = await client.get(
        "/api/v1/gis/features", params={"community_id": COMMUNITY, **WINDOW}, headers=headers
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["type"] == "FeatureCollection" and body["datum"] == "wgs84"
    assert set(o.seen) == {headers["Authorization"]}  # the owners saw the caller
    assert body["unavailable"] == ["aid_points"] and body["truncated"] == []
    f = by_id(body)
    assert f["community:c-1"]["geometry"] == {"type": "Point", "coordinates": list(HANGZHOU)}
    assert f["building:b-1"]["properties"]["grid_name"] == "第一网格"
    assert "building:b-2" not in f  # no point drawn
    # things: a device without a point of its own stands at its building's
    assert f["device:d-1"]["geometry"]["coordinates"] == list(B1)
    assert f["device:d-1"]["properties"]["position"] == "building"
    assert f["device:d-2"]["properties"]["position"] == "own"
    assert "device:d-3" not in f  # worn by a person: never on the map
    assert f["shelter:s-1"]["properties"]["capacity"] == 300
    assert "key_place:k-1" in f and "key_place:k-2" not in f  # another community's
    assert "cameras" not in f["key_place:k-1"]["properties"]
    # events: alarms at their building (else the community), cases in the window only
    assert f["alarm:a-1"]["geometry"]["coordinates"] == list(B1)
    assert f["alarm:a-2"]["geometry"]["coordinates"] == list(HANGZHOU)
    assert f["alarm:a-2"]["properties"]["position"] == "community"
    assert {k for k in f if k.startswith("case:")} == {"case:w-2"}
    # people: counts per building with a point, nobody's position
    people = [x for x in body["features"] if x["properties"]["layer"] == "people"]
    assert [p["id"] for p in people] == ["people:b-1"]
    assert people[0]["properties"]["registered"] == {"elderly_alone": 3, "disabled": 1}
    assert people[0]["properties"]["total"] == 4
    assert_no_person(body)


def assert_no_person(body: dict[str, Any]) -> None:
    for x in body["features"]:
        lng, lat = x["geometry"]["coordinates"]
        assert math.dist((lng, lat), WEARER) > 1e-4, x  # nowhere a person was
        for key in ("originator_id", "household_id", "room_id", "details", "reporter_id"):
            assert key not in x["properties"], (key, x)


async def test_a_resident_gets_no_person_and_nothing_staff_see(gis: Gis) -> None:
    client, issuer, _, _ = gis
    headers = issuer.bearer("u-2", ["resident"])  # not in o.staff: identity's lists refuse
    r = await client.get(
        "/api/v1/gis/features", params={"community_id": COMMUNITY, **WINDOW}, headers=headers
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unavailable"] == ["buildings", "grids", "aid_points", "people"]
    kinds = {x["properties"]["kind"] for x in body["features"]}
    assert "building" not in kinds and "register_counts" not in kinds
    assert not [x for x in body["features"] if x["properties"]["layer"] == "people"]
    # without the buildings' points every event stands at the community's point
    f = by_id(body)
    assert f["alarm:a-1"]["geometry"]["coordinates"] == list(HANGZHOU)
    assert_no_person(body)
    visitor = issuer.bearer("u-3", ["visitor"])
    r = await client.get(
        "/api/v1/gis/features",
        params={"community_id": COMMUNITY, "layers": "people"},
        headers=visitor,
    )
    assert r.status_code == 200 and r.json()["features"] == []
    # the buildings' points (asked for every layer: they place the rest) are refused too
    assert r.json()["unavailable"] == ["buildings", "people"]


async def test_gcj02_moves_a_hangzhou_point_by_the_known_offset(gis: Gis) -> None:
    client, issuer, _, _ = gis
    headers = issuer.bearer("u-1", ["community_admin"])
    r = await client.get(
        "/api/v1/gis/features",
        params={"community_id": COMMUNITY, "layers": "places", "crs": "gcj02"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["datum"] == "gcj02"
    lng, lat = by_id(r.json())["community:c-1"]["geometry"]["coordinates"]
    # the public transform's value for this point: about 450 m east, 260 m south
    assert lng == pytest.approx(120.159794479, abs=1e-6)
    assert lat == pytest.approx(30.271771223, abs=1e-6)
    assert lng - HANGZHOU[0] == pytest.approx(0.00469, abs=2e-5)
    assert lat - HANGZHOU[1] == pytest.approx(-0.00233, abs=2e-5)


async def test_time_window_and_type_filters(gis: Gis) -> None:
    client, issuer, o, _ = gis
    headers = issuer.bearer("u-1", ["community_admin"])
    o.staff.add(headers["Authorization"])
    r = await client.get(
        "/api/v1/gis/features",
        params={
            "community_id": COMMUNITY,
            "layers": "events",
            "since": "2026-05-05T00:00:00+08:00",
            "until": "2026-05-07T00:00:00+08:00",
            "alarm_type": "smoke",
            "case_type": "repair",
        },
        headers=headers,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    alarms = o.asked["/api/v1/alarms"]
    assert alarms["since"] == "2026-05-05T00:00:00+08:00"
    assert alarms["until"] == "2026-05-07T00:00:00+08:00"
    assert alarms["alarm_type"] == "smoke" and alarms["community_id"] == COMMUNITY
    assert o.asked["/api/v1/work-orders"]["type"] == "repair"
    cases = [x for x in body["features"] if x["properties"]["kind"] == "case"]
    assert [c["id"] for c in cases] == ["case:w-3"]  # opened in the window
    assert cases[0]["properties"]["position"] == "own"
    assert {x["properties"]["layer"] for x in body["features"]} == {"events"}
    assert "/api/v1/devices" not in o.asked  # a layer not asked for is not fetched
    for bad in (
        {"since": "2026-05-07T00:00:00+08:00", "until": "2026-05-05T00:00:00+08:00"},
        {"since": "2026-05-07T00:00:00"},  # no offset
        {"since": "0001-01-01T00:00:00Z"},
        {"crs": "bd09"},
        {"layers": "persons"},
        {"alarm_type": "a/b"},
        {"community_id": "../accounts"},
    ):
        r = await client.get(
            "/api/v1/gis/features", params={"community_id": COMMUNITY, **bad}, headers=headers
        )
        assert r.status_code == 422, (bad, r.text)
    wrong = await client.get(
        "/api/v1/gis/features",
        params={
            "community_id": COMMUNITY,
            "since": "2026-05-07T00:00:00Z",
            "until": "2026-05-05T00:00:00Z",
        },
        headers={**headers, "Accept-Language": "zh-CN"},
    )
    assert wrong.json()["code"] == "gis.window_invalid"
    assert "开始时间" in wrong.json()["detail"]


async def test_a_down_service_is_named_and_a_login_is_needed(gis: Gis) -> None:
    client, issuer, o, stop = gis
    anonymous = await client.get("/api/v1/gis/features", params={"community_id": COMMUNITY})
    assert anonymous.status_code == 401
    assert o.seen == []
    await stop()  # every owner down: the map still answers, empty, naming each part
    headers = issuer.bearer("u-1", ["community_admin"])
    r = await client.get(
        "/api/v1/gis/features", params={"community_id": COMMUNITY}, headers=headers
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["features"] == []
    assert body["unavailable"] == [
        "community",
        "buildings",
        "grids",
        "devices",
        "shelters",
        "key_places",
        "aid_points",
        "alarms",
        "cases",
        "people",
    ]


async def test_every_page_of_a_list_and_no_more_than_the_cap(gis: Gis) -> None:
    client, issuer, o, _ = gis
    headers = issuer.bearer("u-1", ["community_admin"])
    o.many_shelters = 250  # three pages of 100
    r = await client.get(
        "/api/v1/gis/features",
        params={"community_id": COMMUNITY, "layers": "things"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    shelters = [x for x in r.json()["features"] if x["properties"]["kind"] == "shelter"]
    assert len(shelters) == 250 and o.shelter_pages == 3
    assert r.json()["truncated"] == []
    o.many_shelters, o.shelter_pages = 5000, 0
    r = await client.get(
        "/api/v1/gis/features",
        params={"community_id": COMMUNITY, "layers": "things"},
        headers=headers,
    )
    shelters = [x for x in r.json()["features"] if x["properties"]["kind"] == "shelter"]
    assert len(shelters) == 1000 and o.shelter_pages == 10
    assert r.json()["truncated"] == ["shelters"]
