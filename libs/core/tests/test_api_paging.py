"""Paging: bounded page size, totals and next offsets, bad paging is a problem."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient
from sqlalchemy import Column, Integer, Table, select

from sc_core import paging
from sc_core.api import Page, Paging, RuntimeDep, fetch_page
from sc_core.db import platform_tables
from sc_core.db.tables import new_metadata
from sc_core.service import Runtime, create_service_app
from sc_core.settings import ServiceSettings

metadata = new_metadata()
platform_tables(metadata)
numbers = Table(
    "numbers",
    metadata,
    Column("n", Integer, primary_key=True),
    Column("tens", Integer, nullable=False),
)
router = APIRouter()


@router.get("/api/v1/numbers")
async def list_numbers(runtime: RuntimeDep, paging: Paging) -> Page[int]:
    async with runtime.db.uow(read_only=True) as uow:
        query = select(numbers.c.n).order_by(numbers.c.n)
        rows, total = await fetch_page(uow.session, query, paging)
    return Page.of(rows, total, paging)


@router.get("/api/v1/numbers/by-tens")
async def by_tens(runtime: RuntimeDep, paging: Paging) -> Page[list[int]]:
    """Tens descending, then the number ascending: a mixed order, as lists by date have."""
    query = select(numbers).order_by(numbers.c.tens.desc(), numbers.c.n)
    async with runtime.db.uow(read_only=True) as uow:
        rows, total = await fetch_page(uow.session, query, paging, rows=True)
    return Page.of([[r.tens, r.n] for r in rows], total, paging)


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
    runtime = Runtime(settings, metadata)
    app = create_service_app(settings, title="numbers", runtime=runtime, routers=[router])
    async with LifespanManager(app):
        runtime = app.state.runtime
        async with runtime.db.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.execute(numbers.insert(), [{"n": i, "tens": i // 10} for i in range(45)])
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


async def _walk(client: AsyncClient, path: str, limit: int) -> list[object]:
    seen: list[object] = []
    params: dict[str, object] = {"limit": limit}
    for _ in range(20):
        page = (await client.get(path, params=params)).json()
        seen.extend(page["items"])
        if page["next_cursor"] is None:
            return seen
        assert page["next_offset"] is None or "cursor" not in params
        params = {"limit": limit, "cursor": page["next_cursor"]}
    raise AssertionError("the cursors never ended")


async def test_cursors_walk_the_whole_list_in_order(client: AsyncClient) -> None:
    assert await _walk(client, "/api/v1/numbers", 20) == list(range(45))
    expected = sorted(([i // 10, i] for i in range(45)), key=lambda p: (-p[0], p[1]))
    assert await _walk(client, "/api/v1/numbers/by-tens", 7) == expected
    # the cursor of a full last page leads to an empty page, not to an error
    assert await _walk(client, "/api/v1/numbers", 15) == list(range(45))


async def test_a_cursor_of_another_list_is_a_400(client: AsyncClient) -> None:
    first = (await client.get("/api/v1/numbers", params={"limit": 5})).json()
    foreign = await client.get("/api/v1/numbers/by-tens", params={"cursor": first["next_cursor"]})
    assert foreign.status_code == 400
    assert foreign.json()["code"] == "request.bad_cursor"
    garbage = await client.get("/api/v1/numbers", params={"cursor": "not a cursor"})
    assert garbage.status_code == 400
    assert garbage.json()["code"] == "request.bad_cursor"


async def test_a_long_list_is_counted_up_to_the_limit(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paging, "COUNT_LIMIT", 30)
    page = (await client.get("/api/v1/numbers", params={"limit": 20, "offset": 20})).json()
    assert page["total"] == 30
    assert page["total_exact"] is False
    assert page["next_offset"] == 40  # more may follow: the count stopped
    last = (await client.get("/api/v1/numbers", params={"limit": 20, "offset": 40})).json()
    assert last["items"] == list(range(40, 45))
    assert last["next_offset"] is None
    # the last page knows the whole length, past the count's limit too ("共 45 条")
    assert last["total"] == 45 and last["total_exact"] is True
    whole = (await client.get("/api/v1/numbers/by-tens", params={"limit": 50})).json()
    assert len(whole["items"]) == 45
    assert whole["total"] == 45 and whole["total_exact"] is True


def test_a_typed_prefix_is_matched_as_typed() -> None:
    """``like_prefix``: LIKE's wildcards and the escape character itself are escaped, so a
    search for ``史_`` finds names starting with those two characters, not ``史`` and any
    one more."""
    from sc_core.paging import LIKE_ESCAPE, like_prefix

    assert LIKE_ESCAPE == "/"
    assert like_prefix("史_") == "史/_%"
    assert like_prefix("%迁") == "/%迁%"
    assert like_prefix("a/b") == "a//b%"
    assert like_prefix("") == "%"
