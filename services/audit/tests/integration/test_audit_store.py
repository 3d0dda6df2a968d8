"""The store keeps each record once, append-only, and verification finds tampering."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from audit.db.models import AuditRecord, ChainHead, metadata
from audit.integrity import verify_day
from audit.main import MIGRATIONS
from audittools import make_record, store
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from sc_core.db import Database
from sc_core.db.migrate import model_drift, upgrade

DAY = date(2026, 3, 9)


def at(minute: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, 9, minute, tzinfo=UTC)


async def test_migrations_match_the_models(audit_db: Database) -> None:
    # The partitioned table, its indexes and the chain heads are compared; the partition
    # functions, trigger and privileges are not visible to autogenerate (see 0001).
    assert await model_drift(audit_db.url, metadata) == []
    await upgrade(MIGRATIONS, audit_db.url)  # a second run changes nothing


async def test_a_record_is_stored_once_and_chained(audit_db: Database) -> None:
    records = [make_record(occurred_at=at(i), resource_id=f"t-{i}") for i in range(4)]
    assert await store(audit_db, *records) == [True] * 4
    assert await store(audit_db, records[1]) == [False]  # delivered again
    async with audit_db.uow() as uow:
        count = await uow.session.scalar(select(func.count()).select_from(AuditRecord))
        head_length = await uow.session.scalar(select(ChainHead.length).where(ChainHead.day == DAY))
        positions = (
            await uow.session.scalars(select(AuditRecord.chain_pos).order_by(AuditRecord.chain_pos))
        ).all()
    assert count == 4
    assert head_length == 4
    assert positions == [1, 2, 3, 4]
    report = await verify_day(audit_db, DAY)
    assert report.ok and report.records == 4 and report.first_broken is None


async def test_a_batch_spanning_days_with_copies_is_chained_once_per_record(
    audit_db: Database,
) -> None:
    from audit.db.store import PartitionKeeper
    from audit.usecases.records import RecordStore

    next_day = DAY + timedelta(days=1)
    earlier = make_record(occurred_at=at(1), resource_id="earlier")
    assert await store(audit_db, earlier) == [True]
    batch = [
        make_record(occurred_at=at(2), resource_id="a"),
        make_record(occurred_at=at(3, next_day), resource_id="b"),
        earlier,  # stored by an earlier batch, delivered again
        make_record(occurred_at=at(4), resource_id="c"),
    ]
    batch.append(batch[1])  # the same record twice in one poll
    handler = RecordStore(audit_db, PartitionKeeper())
    async with audit_db.uow() as uow:
        appended = await handler.store_many(uow, batch)
        await uow.commit()
    assert [r.resource_id for r in appended] == ["a", "c", "b"]  # day by day, in order
    assert (handler.stored, handler.duplicates) == (3, 2)
    async with audit_db.uow() as uow:
        chained = (
            await uow.session.execute(
                select(
                    AuditRecord.chain_day, AuditRecord.chain_pos, AuditRecord.resource_id
                ).order_by(AuditRecord.chain_day, AuditRecord.chain_pos)
            )
        ).all()
    assert [tuple(r) for r in chained] == [
        (DAY, 1, "earlier"),
        (DAY, 2, "a"),
        (DAY, 3, "c"),
        (next_day, 1, "b"),
    ]
    for day, length in ((DAY, 3), (next_day, 1)):
        report = await verify_day(audit_db, day)
        assert report.ok and report.records == length and report.head_length == length


async def _superuser_sql(db: Database, *statements: str) -> None:
    async with db.engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))


async def test_an_altered_record_is_found_by_verification(audit_db: Database) -> None:
    records = [make_record(occurred_at=at(i), outcome="success") for i in range(5)]
    await store(audit_db, *records)
    target = records[2].record_id
    # A superuser can bypass the trigger; the chain still tells.
    await _superuser_sql(
        audit_db,
        "ALTER TABLE audit_record DISABLE TRIGGER audit_record_append_only",
        f"UPDATE audit_record SET outcome = 'denied' WHERE record_id = '{target}'",
        "ALTER TABLE audit_record ENABLE TRIGGER audit_record_append_only",
    )
    report = await verify_day(audit_db, DAY)
    assert not report.ok
    assert report.first_broken is not None
    assert report.first_broken.position == 3
    assert report.first_broken.reason == "altered"
    assert report.first_broken.record_id == str(target)

    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "audit",
        "verify",
        "--day",
        DAY.isoformat(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "DATABASE_URL": audit_db.url},
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1, err.decode()
    printed = json.loads(out)
    assert printed["ok"] is False
    assert printed["first_broken"]["position"] == 3
    assert printed["first_broken"]["record_id"] == str(target)


async def test_a_deleted_last_record_is_found(audit_db: Database) -> None:
    records = [make_record(occurred_at=at(i)) for i in range(3)]
    await store(audit_db, *records)
    await _superuser_sql(
        audit_db,
        "SET session_replication_role = replica",
        f"DELETE FROM audit_record WHERE record_id = '{records[2].record_id}'",
    )
    report = await verify_day(audit_db, DAY)
    assert report.first_broken is not None
    assert (report.first_broken.position, report.first_broken.reason) == (3, "truncated")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_record SET outcome = 'success'",
        "DELETE FROM audit_record",
        "TRUNCATE audit_record",
        "UPDATE audit_partitions.audit_record_y2026m03 SET actor_id = 'x'",
        "DELETE FROM audit_partitions.audit_record_y2026m03",
        "TRUNCATE audit_partitions.audit_record_y2026m03",
    ],
)
async def test_update_and_delete_are_refused(audit_db: Database, statement: str) -> None:
    await store(audit_db, make_record(occurred_at=at(1)))
    with pytest.raises(DBAPIError, match="append-only"):
        await _superuser_sql(audit_db, statement)
    assert (await verify_day(audit_db, DAY)).records == 1


async def test_late_records_land_in_their_own_day_and_month(audit_db: Database) -> None:
    old = datetime.now(UTC) - timedelta(days=40)
    await store(audit_db, make_record(occurred_at=old), make_record(occurred_at=at(5)))
    assert (await verify_day(audit_db, old.date())).records == 1
    assert (await verify_day(audit_db, DAY)).records == 1
