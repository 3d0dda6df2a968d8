"""The operations overview: the gateway asks each owner for its counts with the caller's
token and answers what it got; a part that fails is null and named, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request
from httpx import ASGITransport, AsyncClient

from gateway.app import create_app
from gateway.config import GatewaySettings
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_devinfra.asgi import serving

COMMUNITY = "c-1"


def owners_app(seen: list[str]) -> FastAPI:
    """device-ingestion, alarm, work-orders and identity, as far as the overview asks."""
    app = FastAPI(title="owners")

    @app.get("/api/v1/device-stats")
    async def device_stats(request: Request, community_id: str) -> dict[str, Any]:
        seen.append(request.headers.get("authorization", ""))
        return {
            "community_id": community_id,
            "online": 3,
            "offline": 1,
            "by_type": [{"key": "smoke_detector", "online": 3, "offline": 1}],
            "by_building": [{"key": "b-1", "online": 3, "offline": 1}],
        }

    @app.get("/api/v1/alarm-stats")
    async def alarm_stats(community_id: str, since: str) -> dict[str, Any]:
        return {
            "community_id": community_id,
            "since": since,
            "active_by_severity": [{"key": "critical", "count": 2}],
            "active_by_status": [{"key": "active_unack", "count": 2}],
            "active_by_building": [{"key": "b-1", "count": 2}],
            "raised_since": 2,
            "cleared_since": 0,
            "special_persons": {
                "registered": [{"key": "elderly_alone", "count": 4}],
                "emergencies_since": 1,
                "emergencies_unacknowledged": 1,
            },
        }

    @app.get("/api/v1/work-order-stats")
    async def work_order_stats() -> Any:
        from sc_core.errors import Problem

        raise Problem(503, "service.database_unavailable", "down for the test")

    @app.get("/api/v1/energy")
    async def energy(kind: str, request: Request) -> Any:
        if kind != "electricity":
            from sc_core.errors import NotFound

            raise NotFound("energy.scope_not_found", "no meter of that kind")
        start = request.query_params["from"]  # yesterday 00:00 +08:00
        day2 = start.replace(start[8:10], f"{int(start[8:10]) + 1:02d}", 1)
        return {
            "kind": kind,
            "unit": "kWh",
            "buckets": [
                {"start": start, "consumption": 10.5},
                {"start": day2, "consumption": 4.0},
            ],
        }

    @app.get("/api/v1/communities/{community_id}")
    async def community(community_id: str) -> dict[str, Any]:
        return {"id": community_id, "name": "幸福里", "longitude": 116.4, "latitude": 39.9}

    @app.get("/api/v1/buildings")
    async def buildings() -> dict[str, Any]:
        return {
            "items": [
                {"id": "b-1", "name": "1号楼", "longitude": 116.401, "latitude": 39.9},
                {"id": "b-2", "name": "2号楼", "longitude": None, "latitude": None},
            ]
        }

    return app


@pytest.fixture
async def overview() -> AsyncIterator[tuple[AsyncClient, LocalIssuer, list[str]]]:
    seen: list[str] = []
    issuer = LocalIssuer()
    async with serving(owners_app(seen)) as owners:
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
                yield client, issuer, seen


async def test_counts_from_each_owner_with_the_callers_token(
    overview: tuple[AsyncClient, LocalIssuer, list[str]],
) -> None:
    client, issuer, seen = overview
    headers = issuer.bearer("u-1", ["community_admin"])
    r = await client.get(
        "/api/v1/overview", params={"community_id": COMMUNITY, "day": "2026-05-04"}, headers=headers
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert seen == [headers["Authorization"]]  # the owner saw the caller, not the gateway
    assert body["since"] == "2026-05-04T00:00:00+08:00"
    assert body["devices"]["online"] == 3
    assert body["alarms"]["active_by_severity"] == [{"key": "critical", "count": 2}]
    assert "special_persons" not in body["alarms"]
    assert body["special_persons"]["emergencies_unacknowledged"] == 1
    assert body["energy"] == [
        {"kind": "electricity", "unit": "kWh", "today": 4.0, "yesterday": 10.5}
    ]
    # the owner that failed is null and named; the others still answer
    assert body["work_orders"] is None and body["unavailable"] == ["work_orders"]
    features = body["map"]["features"]
    assert [f["properties"]["name"] for f in features] == ["幸福里", "1号楼"]  # 2号楼: no point
    assert features[1]["properties"] == {
        "kind": "building",
        "name": "1号楼",
        "active_alarms": 2,
        "devices_online": 3,
        "devices_offline": 1,
    }


async def test_needs_a_login_and_refuses_ids_that_bend_a_url(
    overview: tuple[AsyncClient, LocalIssuer, list[str]],
) -> None:
    client, issuer, seen = overview
    anonymous = await client.get("/api/v1/overview", params={"community_id": COMMUNITY})
    assert anonymous.status_code == 401
    headers = issuer.bearer("u-1", ["community_admin"])
    for bad in ("../accounts", "c\x02", "c/1", "a?b=1"):
        r = await client.get("/api/v1/overview", params={"community_id": bad}, headers=headers)
        assert r.status_code in (400, 422), (bad, r.text)
    far = await client.get(
        "/api/v1/overview", params={"community_id": COMMUNITY, "day": "0001-01-01"}, headers=headers
    )
    assert far.status_code in (400, 422)
    assert seen == []


async def test_the_map_in_gcj02_for_amap_tiles(
    overview: tuple[AsyncClient, LocalIssuer, list[str]],
) -> None:
    from sc_core.geo import wgs84_to_gcj02

    client, issuer, _ = overview
    headers = issuer.bearer("u-1", ["community_admin"])
    params = {"community_id": COMMUNITY, "day": "2026-05-04"}
    plain = await client.get("/api/v1/overview", params=params, headers=headers)
    mars = await client.get("/api/v1/overview", params={**params, "crs": "gcj02"}, headers=headers)
    assert plain.status_code == mars.status_code == 200, mars.text
    before = [f["geometry"]["coordinates"] for f in plain.json()["map"]["features"]]
    after = [f["geometry"]["coordinates"] for f in mars.json()["map"]["features"]]
    assert before == [[116.4, 39.9], [116.401, 39.9]]
    assert after == [list(wgs84_to_gcj02(lng, lat)) for lng, lat in before]
    assert all(abs(a[0] - b[0]) > 0.005 for a, b in zip(after, before, strict=True))  # ~600 m
    bad = await client.get("/api/v1/overview", params={**params, "crs": "bd09"}, headers=headers)
    assert bad.status_code == 422
