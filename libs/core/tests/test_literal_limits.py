"""A page's size reaches PostgreSQL as a number (ADR 0073).

asyncpg prepares every statement and PostgreSQL may keep one generic plan for it after five
runs; with ``LIMIT $1`` that plan is made for a tenth of the rows. property_manager's page
of 20 persons was then a hash join and sort of a whole community (75 ms, not 2 ms)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, Integer, String, Table, bindparam, select, text

from sc_core.api import PageParams, fetch_page
from sc_core.db import Database, platform_tables
from sc_core.db.tables import new_metadata

metadata = new_metadata()
tables = platform_tables(metadata)
homes = Table(
    "homes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("community", String(10), index=True),
)
PREPARED = text(
    "SELECT statement FROM pg_prepared_statements WHERE statement LIKE '%FROM homes%'"
    " ORDER BY prepare_time"
)


@pytest.fixture
async def db(fresh_database_url: str) -> AsyncIterator[Database]:
    database = Database(fresh_database_url, tables)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(
            homes.insert(), [{"id": n, "community": "东区" if n % 2 else "西区"} for n in range(50)]
        )
    yield database
    await database.dispose()


async def test_the_database_is_given_the_page_size_and_offset_as_numbers(db: Database) -> None:
    query = select(homes).where(homes.c.community == "东区").order_by(homes.c.id)
    async with db.read() as conn:
        rows, total = await fetch_page(conn, query, PageParams(limit=20, offset=0), rows=True)
        second, _ = await fetch_page(conn, query, PageParams(limit=20, offset=20), rows=True)
        prepared = list(await conn.scalars(PREPARED))
    assert [r.id for r in rows] == list(range(1, 41, 2))
    assert [r.id for r in second] == list(range(41, 50, 2))
    assert int(total) == 25 and total.exact
    pages = [s for s in prepared if "count(" not in s]
    # the first page has no OFFSET at all; its limit is written into the statement
    # (sql_number, ADR 0085), the second page's offset rendered when it runs
    assert any(s.rstrip().endswith("LIMIT 20") for s in pages), prepared
    assert any("LIMIT 20 OFFSET 20" in s for s in pages), prepared
    assert not any("LIMIT $" in s or "OFFSET $" in s for s in prepared), prepared
    # the bounded count's own limit too: the count plan is made for 1,001 rows at most
    assert any("LIMIT 1001" in s for s in prepared if "count(" in s), prepared


async def test_a_kept_query_with_named_page_parameters_is_given_numbers_too(db: Database) -> None:
    """A list built once (``bind``: ADR 0064) keeps its compiled statement; each page is
    the same statement with its own numbers."""
    query = select(homes).where(homes.c.community == bindparam("c")).order_by(homes.c.id)
    async with db.read() as conn:
        for offset in (0, 10):
            page, _ = await fetch_page(
                conn, query, PageParams(limit=10, offset=offset), rows=True, bind={"c": "西区"}
            )
            assert [r.id for r in page] == list(range(offset * 2, offset * 2 + 20, 2))
        prepared = list(await conn.scalars(PREPARED))
    assert any("LIMIT 10 OFFSET 10" in s for s in prepared), prepared
    assert not any("LIMIT $" in s for s in prepared), prepared
