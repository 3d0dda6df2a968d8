"""Paging: bounded page size, totals and next offsets, bad paging is a problem."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Column, Integer, Table, select

from sc_core.api import Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.db import platform_tables
from sc_core.db.tables import new_metadata
from sc_core.service import create_service_app
from sc_core.settings import ServiceSettings

metadata = new_metadata()
platform_tables(metadata)
numbers = Table("numbers", metadata, Column("n", Integer, primary_key=True))
router = APIRouter()


@router.get("/api/v1/numbers")
async def list_numbers(uow: UnitOfWorkDep, paging: Paging) -> Page[int]:
    rows, total = await fetch_page(uow.session, select(numbers.c.n).order_by(numbers.c.n), paging)
    return Page.of(rows, total, paging)


@pytest.fixture
async def client(
    fresh_database_url: str, kafka_bootstrap: str, kafka_idempotence: bool
) -> AsyncIterator[AsyncClient]:
    settings = ServiceSettings(
        service_name="numbers",
        database_url=fresh_database_url,
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_enable_idempotence=kafka_idempotence,
    )
    app = create_service_app(settings, title="numbers", metadata=metadata, routers=[router])
    async with LifespanManager(app):
        runtime = app.state.runtime
        async with runtime.db.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(numbers.insert(), [{"n": i} for i in range(45)])
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as c:
            yield c


async def test_pages_walk_the_whole_list(client: AsyncClient) -> None:
    seen: list[int] = []
    offset: int | None = 0
    while offset is not None:
        page = (await client.get("/api/v1/numbers", params={"limit": 20, "offset": offset})).json()
        assert page["total"] == 45
        seen.extend(page["items"])
        offset = page["next_offset"]
    assert seen == list(range(45))


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
async def test_bad_paging_is_a_validation_problem(client: AsyncClient, params: dict) -> None:  # type: ignore[type-arg]
    response = await client.get("/api/v1/numbers", params=params)
    assert response.status_code == 422
    assert response.json()["code"] == "request.validation_failed"
