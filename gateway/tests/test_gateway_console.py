"""The web console, the residents' app and the API docs, served by the gateway itself (no CDN,
no token)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from gateway.app import create_app
from test_gateway import gateway_settings, upstream  # noqa: F401 (fixtures)

INDEX = "<!doctype html><title>console</title><div id=app></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "swagger").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-3f9a.js").write_text("console.log('hi')")
    (tmp_path / "swagger" / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle=1")
    (tmp_path / "swagger" / "swagger-ui.css").write_text("body{}")
    (tmp_path.parent / "secret.txt").write_text("not for the web")
    return tmp_path


async def _client(
    settings_dir: str | None, upstream_url: str, jwks_url: str, app_dir: str | None = None
) -> AsyncIterator[AsyncClient]:
    app = create_app(
        gateway_settings(upstream_url, jwks_url, console_dir=settings_dir, app_dir=app_dir)
    )
    async with (
        LifespanManager(app),
        AsyncClient(transport=ASGITransport(app=app), base_url="http://gw") as client,
    ):
        yield client


@pytest.fixture
async def gw(dist: Path, upstream: str, jwks: str) -> AsyncIterator[AsyncClient]:  # noqa: F811
    async for client in _client(str(dist), upstream, jwks):
        yield client


async def test_index_is_revalidated_and_hashed_assets_are_cached_for_a_year(
    gw: AsyncClient,
) -> None:
    redirect = await gw.get("/console")
    assert redirect.status_code == 308 and redirect.headers["location"] == "/console/"
    index = await gw.get("/console/")
    assert index.status_code == 200 and index.text == INDEX
    assert index.headers["cache-control"] == "no-cache"
    asset = await gw.get("/console/assets/index-3f9a.js")
    assert asset.status_code == 200 and "console.log" in asset.text
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"


async def test_app_routes_fall_back_to_the_index_but_missing_assets_do_not(gw: AsyncClient) -> None:
    for path in ("/console/screen", "/console/work-orders/7f0c", "/console/login?next=/alarms"):
        response = await gw.get(path)
        assert response.status_code == 200, path
        assert response.text == INDEX
        assert response.headers["cache-control"] == "no-cache"
    missing = await gw.get("/console/assets/index-old.js")
    assert missing.status_code == 404
    assert missing.json()["code"] == "http.not_found"


async def test_no_file_outside_the_build_is_served(gw: AsyncClient) -> None:
    for path in (
        "/console/../secret.txt",
        "/console/%2e%2e/secret.txt",
        "/console/..%2fsecret.txt",
    ):
        response = await gw.get(path)
        assert "not for the web" not in response.text, path


async def test_docs_load_swagger_ui_from_the_gateway_not_a_cdn(gw: AsyncClient) -> None:
    docs = await gw.get("/docs")
    assert docs.status_code == 200
    assert "/console/swagger/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    bundle = await gw.get("/console/swagger/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and "SwaggerUIBundle" in bundle.text


async def test_without_a_build_the_console_says_so_and_docs_point_to_the_document(
    upstream: str,  # noqa: F811
    jwks: str,
) -> None:
    async for gw in _client(None, upstream, jwks):
        response = await gw.get("/console/")
        assert response.status_code == 404
        assert response.json()["code"] == "console.not_built"
        docs = await gw.get("/docs")
        assert docs.status_code == 200 and 'href="/openapi.json"' in docs.text


APP_INDEX = "<!doctype html><title>resident</title><div id=app></div>"


async def test_the_residents_app_is_served_under_app_the_same_way(
    tmp_path: Path,
    dist: Path,
    upstream: str,  # noqa: F811
    jwks: str,
) -> None:
    h5 = tmp_path / "h5"
    (h5 / "assets").mkdir(parents=True)
    (h5 / "index.html").write_text(APP_INDEX)
    (h5 / "assets" / "index-9c1d.js").write_text("uni.app()")
    async for gw in _client(str(dist), upstream, jwks, app_dir=str(h5)):
        redirect = await gw.get("/app")
        assert redirect.status_code == 308 and redirect.headers["location"] == "/app/"
        for path in ("/app/", "/app/pages/repairs/detail?id=7f0c", "/app/pages/sos/index"):
            page = await gw.get(path)
            assert page.status_code == 200 and page.text == APP_INDEX, path
            assert page.headers["cache-control"] == "no-cache"
        asset = await gw.get("/app/assets/index-9c1d.js")
        assert asset.status_code == 200 and asset.text == "uni.app()"
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert (await gw.get("/app/assets/index-old.js")).status_code == 404
        assert "not for the web" not in (await gw.get("/app/%2e%2e/secret.txt")).text
        # each app is its own: the console is still the console
        assert (await gw.get("/console/")).text == INDEX


async def test_without_a_build_the_app_says_so(
    upstream: str,  # noqa: F811
    jwks: str,
) -> None:
    async for gw in _client(None, upstream, jwks):
        response = await gw.get("/app/")
        assert response.status_code == 404
        assert response.json()["code"] == "app.not_built"
