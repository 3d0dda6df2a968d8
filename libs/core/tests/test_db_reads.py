"""``db.read()``: a connection for reads without a Session (ADR 0054), in AUTOCOMMIT, that
pages like a unit of work's session does."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, Integer, String, Table, select, text

from sc_core.api import PageParams, fetch_page
from sc_core.db import Database, platform_tables
from sc_core.db.tables import new_metadata

metadata = new_metadata()
tables = platform_tables(metadata)
notes = Table(
    "notes", metadata, Column("id", Integer, primary_key=True), Column("text", String(50))
)


@pytest.fixture
async def db(fresh_database_url: str) -> AsyncIterator[Database]:
    database = Database(fresh_database_url, tables)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
        await conn.execute(notes.insert(), [{"id": n, "text": f"note {n}"} for n in range(1, 26)])
    yield database
    await database.dispose()


async def test_each_statement_is_its_own_transaction(db: Database) -> None:
    xact = text("SELECT pg_current_xact_id()::text")
    async with db.read() as conn:
        first, second = await conn.scalar(xact), await conn.scalar(xact)
    assert first != second  # no BEGIN around them: nothing to roll back either


async def test_a_page_read_on_the_connection_is_the_sessions_page(db: Database) -> None:
    query = select(notes).order_by(notes.c.id)
    params = PageParams(limit=10, offset=0)
    async with db.read() as conn:
        rows, total = await fetch_page(conn, query, params, rows=True)
    async with db.uow(read_only=True) as uow:
        expected, expected_total = await fetch_page(uow.session, query, params, rows=True)
    assert [tuple(r) for r in rows] == [tuple(r) for r in expected]
    assert [r.id for r in rows] == list(range(1, 11))
    assert (int(total), total.exact) == (int(expected_total), True) == (25, True)
    assert total.next_cursor == expected_total.next_cursor is not None

    after = PageParams(limit=10, offset=0, cursor=total.next_cursor)
    async with db.read() as conn:
        rest, _ = await fetch_page(conn, query, after, rows=True)
    assert [r.id for r in rest] == list(range(11, 21))
