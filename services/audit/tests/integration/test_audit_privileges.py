"""The service runs as a role that may only read and append records (sql/runtime-role.sql):
UPDATE, DELETE, TRUNCATE, disabling the trigger and dropping partitions are refused; the
partition functions still work for it, and retention still refuses under 365 days."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from audit.config import Settings
from audit.db.models import tables
from audit.db.store import PartitionKeeper
from audit.integrity import verify_day
from audit.maintenance import run_maintenance
from audittools import make_record, store
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from sc_core.db import Database

GRANTS = Path(__file__).parents[2] / "sql" / "runtime-role.sql"


@pytest.fixture
async def app_db(audit_db: Database) -> AsyncIterator[Database]:
    """The audit database seen through a fresh runtime role, granted as documented."""
    role = f"audit_app_{uuid.uuid4().hex[:8]}"
    async with audit_db.engine.begin() as conn:
        await conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        raw = await conn.get_raw_connection()
        await raw.driver_connection.execute(GRANTS.read_text().replace("audit_app", role))
    url = make_url(audit_db.url).set(username=role).render_as_string(hide_password=False)
    db = Database(url, tables, pool_size=2)
    try:
        yield db
    finally:
        await db.dispose()
        async with audit_db.engine.begin() as conn:
            await conn.execute(text(f"DROP OWNED BY {role}"))
            await conn.execute(text(f"DROP ROLE {role}"))


async def _run(db: Database, statement: str) -> None:
    async with db.engine.begin() as conn:
        for part in statement.split(";"):
            await conn.execute(text(part))


async def test_the_runtime_role_appends_and_verifies(app_db: Database) -> None:
    now = datetime.now(UTC)
    assert await store(app_db, make_record(occurred_at=now), make_record(occurred_at=now)) == [
        True,
        True,
    ]
    report = await verify_day(app_db, now.date())
    assert report.ok and report.records == 2
    settings = Settings(database_url=app_db.url)
    maintenance = await run_maintenance(app_db, settings, PartitionKeeper())
    assert maintenance.dropped == []
    assert len(maintenance.ensured) == settings.audit_partitions_ahead + 2
    # its own audit records (exports, denied reads) go through its outbox
    async with app_db.uow() as uow:
        await uow.audit(None, "audit_record.export", "audit_record")
        await uow.commit()


@pytest.mark.parametrize(
    ("statement", "error"),
    [
        ("UPDATE audit_record SET outcome = 'denied'", "permission denied"),
        ("DELETE FROM audit_record", "permission denied"),
        ("TRUNCATE audit_record", "permission denied"),
        ("ALTER TABLE audit_record DISABLE TRIGGER audit_record_append_only", "must be owner"),
        (  # a warning only ("no privileges were granted"); the update stays refused
            "GRANT UPDATE ON audit_record TO CURRENT_USER; UPDATE audit_record SET action = 'x.y'",
            "permission denied",
        ),
        ("DROP TABLE audit_partitions.audit_record_y{month}", "permission denied|must be owner"),
        ("SELECT * FROM audit_drop_expired_partitions(364)", "at least 365 days"),
    ],
)
async def test_the_runtime_role_cannot_change_or_remove_records(
    app_db: Database, statement: str, error: str
) -> None:
    now = datetime.now(UTC)
    await store(app_db, make_record(occurred_at=now))
    with pytest.raises(DBAPIError, match=error):
        await _run(app_db, statement.format(month=now.strftime("%Ym%m")))
    assert (await verify_day(app_db, now.date())).ok
