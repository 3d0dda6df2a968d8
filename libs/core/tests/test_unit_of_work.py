"""The unit of work rolls back unless the handler commits; events leave only with it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import Column, Integer, String, Table, func, select

from sc_core.bus import CloudEvent
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
    yield database
    await database.dispose()


async def _count(db: Database, table: Table) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


def _event() -> CloudEvent:
    return CloudEvent.create("community.test.happened.v1", "/t", {"n": 1}, subject="s")


async def test_without_commit_nothing_is_kept(db: Database) -> None:
    async with db.uow() as uow:
        await uow.session.execute(notes.insert().values(text="a"))
        await uow.publish("t.v1", _event())
    assert await _count(db, notes) == 0
    assert await _count(db, tables.outbox) == 0


async def test_error_rolls_back_even_after_partial_work(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.uow() as uow:
            await uow.session.execute(notes.insert().values(text="a"))
            await uow.publish("t.v1", _event())
            raise RuntimeError("handler failed")
    assert await _count(db, notes) == 0
    assert await _count(db, tables.outbox) == 0


async def test_commit_keeps_change_and_event_together(db: Database) -> None:
    woken: list[bool] = []
    db.on_commit(lambda: woken.append(True))
    event = _event()
    async with db.uow() as uow:
        await uow.session.execute(notes.insert().values(text="a"))
        await uow.publish("t.v1", event)
        await uow.commit()
    assert await _count(db, notes) == 1
    async with db.engine.connect() as conn:
        row = (await conn.execute(select(tables.outbox))).one()
    assert row.event_id == event.id
    assert row.key == "s"
    assert row.headers["ce_type"] == "community.test.happened.v1"
    assert row.sent_at is None
    assert woken == [True]
