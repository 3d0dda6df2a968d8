"""The service as make run and the chart start it: the database created and migrated on
start, health and readiness answering (database and broker)."""

from __future__ import annotations

from pathlib import Path

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from parking_payment.config import Settings
from parking_payment.main import create_app


async def test_the_service_starts_migrated_and_ready(
    fresh_database_url: str, kafka_bootstrap: str, kafka_idempotence: bool, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=fresh_database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
        payment_mode="off",  # as the chart and compose start it until the keys are set
        ocpp_enabled=False,
        photo_dir=tmp_path / "photos",
    )
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://pp") as client:
            assert (await client.get("/healthz")).status_code == 200
            ready = await client.get("/readyz")
            assert ready.status_code == 200, ready.text
    engine = create_async_engine(fresh_database_url)
    try:
        async with engine.connect() as conn:
            tables = set(
                (
                    await conn.execute(
                        text("select tablename from pg_tables where schemaname = 'public'")
                    )
                ).scalars()
            )
    finally:
        await engine.dispose()
    assert {"payment_orders", "parking_sessions", "event_outbox", "event_inbox"} <= tables
