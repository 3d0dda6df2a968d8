"""The audit store restored from a backup onto a new database: the hash chains verify,
and the records the consumer gets again after the restore (its group rewound to before the
backup) are stored once (deploy/OPERATIONS.md section 7)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from audit.db.models import AuditRecord, tables
from audit.integrity import verify_day
from audittools import make_record, store
from sqlalchemy import func, select

from sc_core.db import Database
from sc_devinfra.postgres import create_database, drop_database, dump_database, restore_database

DAY = date(2026, 3, 9)


@pytest.fixture
def second_database_url(postgres_url: str) -> Iterator[str]:
    """The new server's empty database the backup is restored onto."""
    name = f"restored_{uuid.uuid4().hex[:10]}"
    url = create_database(postgres_url, name)
    try:
        yield url
    finally:
        drop_database(postgres_url, name)


async def _count(db: Database) -> int:
    async with db.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(AuditRecord)) or 0)


async def test_restored_audit_store_verifies_and_takes_each_record_once(
    audit_db: Database, second_database_url: str, tmp_path: Path
) -> None:
    records = [
        make_record(occurred_at=datetime(2026, 3, 9, 9, i, tzinfo=UTC), resource_id=f"r-{i}")
        for i in range(7)
    ]
    assert await store(audit_db, *records[:4]) == [True] * 4
    backup = tmp_path / "audit.dump"
    dump_database(audit_db.url, backup)
    assert await store(audit_db, *records[4:]) == [True] * 3  # after the backup: lost

    restore_database(second_database_url, backup)
    restored = Database(second_database_url, tables, pool_size=3)
    try:
        assert await _count(restored) == 4
        report = await verify_day(restored, DAY)
        assert report.ok and report.records == 4
        # the rewound consumer delivers all seven again: four known, three new
        assert await store(restored, *records) == [False] * 4 + [True] * 3
        report = await verify_day(restored, DAY)
        assert report.ok and report.records == 7 and report.head_length == 7
        assert await _count(restored) == 7
    finally:
        await restored.dispose()
