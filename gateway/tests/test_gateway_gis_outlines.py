"""GIS features with outlines (issue 25 item 4): a community, grid or building that identity
holds an outline for is a Polygon (or MultiPolygon) feature with the properties it had as a
point; one without keeps its point; ``crs=gcj02`` moves every vertex."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from gateway.app import create_app
from gateway.config import GatewaySettings
from sc_core.auth.testing import JWKSServer, LocalIssuer
from sc_core.errors import install_problem_handlers
from sc_core.geo import wgs84_to_gcj02
from sc_core.outline import rectangle
from sc_devinfra.asgi import serve_app

COMMUNITY = "c-1"
HOME = (116.4074, 39.9042)  # the demo community's point (WGS-84)
B1 = (116.4084, 39.9042)
B2 = (116.4094, 39.9042)
# as identity answers them (sc_core.outline's shapes), the demo's rectangles
COMMUNITY_OUTLINE = rectangle(116.4084, 39.9042, 0.0018, 0.0007)
GRID_OUTLINE = rectangle(*B1, 0.00045, 0.0004)
B1_OUTLINE = rectangle(*B1, 0.0003, 0.00012)
B3_OUTLINE = {
    "type": "MultiPolygon",
    "coordinates": [rectangle(116.4070, 39.9038, 1e-4, 1e-4)["coordinates"]]
    + [rectangle(116.4072, 39.9038, 5e-5, 5e-5)["coordinates"]],
}


def page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "total": len(items), "limit": 100, "offset": 0, "next_offset": None}


def identity_app() -> FastAPI:
    app = FastAPI(title="identity")
    install_problem_handlers(app)

    @app.get("/api/v1/communities/{community_id}")
    async def community(community_id: str) -> dict[str, Any]:
        return {"id": community_id, "code": "DEMO-001", "name": "幸福里社区", "address": None,
                "longitude": HOME[0], "latitude": HOME[1], "division_code": "110101",
                "outline": COMMUNITY_OUTLINE}  # fmt: skip

    @app.get("/api/v1/buildings")
    async def buildings() -> dict[str, Any]:
        def row(i: str, at: tuple[float, float] | None, shape: Any) -> dict[str, Any]:
            lng, lat = at or (None, None)
            return {"id": f"b-{i}", "name": f"{i}号楼", "code": i, "floors": 6,
                    "grid_id": "g-1" if i == "1" else None, "longitude": lng, "latitude": lat,
                    "outline": shape}  # fmt: skip

        return page([row("1", B1, B1_OUTLINE), row("2", B2, None), row("3", None, B3_OUTLINE)])

    @app.get("/api/v1/grids")
    async def grids() -> dict[str, Any]:
        return page(
            [
                {"id": "g-1", "code": "G1", "name": "第1网格", "outline": GRID_OUTLINE},
                {"id": "g-2", "code": "G2", "name": "第2网格", "outline": None},
            ]
        )

    return app


@pytest.fixture
async def client() -> AsyncIterator[tuple[AsyncClient, dict[str, str]]]:
    identity = await serve_app(identity_app())
    issuer = LocalIssuer()
    try:
        with JWKSServer(issuer) as jwks:
            settings = GatewaySettings(
                jwks_url=jwks.url,
                upstreams={"identity": identity.url},
                kafka_bootstrap_servers="127.0.0.1:1",
            )
            app = create_app(settings)
            async with (
                LifespanManager(app),
                AsyncClient(transport=ASGITransport(app=app), base_url="http://gw") as http,
            ):
                yield http, issuer.bearer("u-1", ["community_admin"])
    finally:
        await identity.stop()


async def places(http: AsyncClient, headers: dict[str, str], crs: str) -> dict[str, Any]:
    params = {"community_id": COMMUNITY, "layers": "places", "crs": crs}
    r = await http.get("/api/v1/gis/features", params=params, headers=headers)
    assert r.status_code == 200, r.text
    return {f["id"]: f for f in r.json()["features"]}


async def test_outlined_places_are_polygons_the_rest_points(
    client: tuple[AsyncClient, dict[str, str]],
) -> None:
    f = await places(*client, "wgs84")
    assert list(f) == ["community:c-1", "grid:g-1", "building:b-1", "building:b-2", "building:b-3"]
    assert f["community:c-1"]["geometry"] == COMMUNITY_OUTLINE
    assert f["community:c-1"]["properties"]["division_code"] == "110101"
    assert f["grid:g-1"]["geometry"] == GRID_OUTLINE
    assert f["grid:g-1"]["properties"] == {
        "layer": "places", "kind": "grid", "id": "g-1", "name": "第1网格", "code": "G1"
    }  # fmt: skip
    assert f["building:b-1"]["geometry"] == B1_OUTLINE
    assert f["building:b-1"]["properties"]["grid_name"] == "第1网格"  # as at its point
    assert f["building:b-2"]["geometry"] == {"type": "Point", "coordinates": list(B2)}
    assert f["building:b-3"]["geometry"] == B3_OUTLINE  # no point, but an outline


async def test_gcj02_moves_every_vertex_of_an_outline(
    client: tuple[AsyncClient, dict[str, str]],
) -> None:
    f = await places(*client, "gcj02")
    [ring] = f["building:b-1"]["geometry"]["coordinates"]
    assert ring == [list(wgs84_to_gcj02(*p)) for p in B1_OUTLINE["coordinates"][0]]
    assert ring[0] == ring[-1]  # still closed
    lng, lat = ring[0]
    west, south = B1_OUTLINE["coordinates"][0][0]
    # in Beijing the public transform moves a point about 520 m east and 120 m north
    assert lng - west == pytest.approx(0.00624, abs=2e-4)
    assert lat - south == pytest.approx(0.00128, abs=2e-4)
    multi = f["building:b-3"]["geometry"]["coordinates"]
    assert multi[1][0][2] == list(wgs84_to_gcj02(*B3_OUTLINE["coordinates"][1][0][2]))
    assert f["building:b-2"]["geometry"]["coordinates"] == list(wgs84_to_gcj02(*B2))
