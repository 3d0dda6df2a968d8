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


async def test_a_model_is_published_from_the_service_to_its_topic_as_named_here(
    fresh_database_url: str,
) -> None:
    from datetime import UTC, datetime

    from sc_contracts.events import WorkOrderRatedV1
    from sc_core.db.uow import Outbound

    renamed = {"workorder.events.v1": "workorder.events.t42"}
    database = Database(
        fresh_database_url,
        tables,
        outbound=Outbound("work-orders", lambda name: renamed.get(name, name)),
    )
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    woken: list[bool] = []
    database.on_commit(lambda: woken.append(True))
    rated = WorkOrderRatedV1(
        work_order_id="wo-1",
        case_type="repair",
        community_id="c-1",
        rating=5,
        rated_by="u-1",
        rated_at=datetime(2026, 3, 1, tzinfo=UTC),
    )
    try:
        async with database.uow() as uow:
            await uow.publish(rated, key="wo-1")
            # a bulk statement of the caller's own writes the next one (alarm's CTEs)
            bulk = uow.outgoing(rated, key="wo-2", subject="case/wo-2")
            await uow.session.execute(tables.outbox.insert().values(**bulk.row()))
            uow.wrote([bulk])
            await uow.commit()
        async with database.engine.connect() as conn:
            rows = (await conn.execute(select(tables.outbox).order_by(tables.outbox.c.seq))).all()
    finally:
        await database.dispose()
    assert [(r.topic, r.key, r.headers["ce_subject"]) for r in rows] == [
        ("workorder.events.t42", "wo-1", "wo-1"),
        ("workorder.events.t42", "wo-2", "case/wo-2"),
    ]
    assert {r.headers["ce_type"] for r in rows} == {"community.workorder.rated.v1"}
    assert {r.headers["ce_source"] for r in rows} == {"/services/work-orders"}
    assert woken == [True]
