"""Issue 30.13: what a service's own port shows in production (ADR 0025)."""

from __future__ import annotations

import base64

from httpx import ASGITransport, AsyncClient

from sc_core.service import create_service_app
from sc_core.settings import ServiceSettings

REAL_KEY = "k2026:" + base64.b64encode(bytes(range(32))).decode()


async def test_a_production_service_serves_no_interactive_docs_but_its_openapi() -> None:
    settings = ServiceSettings(
        service_name="things",
        environment="production",
        field_encryption_keys=REAL_KEY,
        database_url="postgresql+asyncpg://svc:s3cr3t-Value@db.internal:5432/x",
    )
    app = create_service_app(settings, title="things")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        for path in ("/docs", "/redoc"):
            gone = await client.get(path)
            assert gone.status_code == 404 and gone.json()["code"] == "http.not_found"
        assert (await client.get("/openapi.json")).status_code == 200  # the gateway's source
    dev = create_service_app(ServiceSettings(service_name="things"), title="t")
    assert dev.docs_url == "/docs"


async def test_the_openapi_document_is_revalidated_by_its_etag() -> None:
    """The gateway asks every service for its document every 30 s: one that did not change
    is a 304 without a body (ADR 0077), and the document itself is what FastAPI built."""
    app = create_service_app(ServiceSettings(service_name="things"), title="things")
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        first = await client.get("/openapi.json")
        assert first.status_code == 200
        assert first.json() == app.openapi()
        etag = first.headers["etag"]
        again = await client.get("/openapi.json", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        other = await client.get("/openapi.json", headers={"If-None-Match": '"elsewhere"'})
        assert other.status_code == 200 and other.content == first.content
        # a route added later makes a new document, with a new tag
        app.add_api_route("/api/v1/late", lambda: {}, methods=["GET"])
        app.openapi_schema = None
        changed = await client.get("/openapi.json", headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag
        assert "/api/v1/late" in changed.json()["paths"]
