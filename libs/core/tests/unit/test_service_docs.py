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
