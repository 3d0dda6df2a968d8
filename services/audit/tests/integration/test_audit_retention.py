"""Retention drops only monthly partitions entirely past the configured retention, and
nothing can set it below 365 days."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, date, datetime, time, timedelta

import pytest
from audit.config import Settings
from audit.db.models import AuditRecord, ChainHead
from audit.db.store import PartitionKeeper
from audit.domain.partitions import (
    add_months,
    month_start,
    months_to_ensure,
    partition_name,
    utc_today,
)
from audit.maintenance import run_maintenance
from audittools import eventually, make_record, store
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from sc_core.db import Database


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


async def partitions(db: Database) -> list[str]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'audit_record'::regclass ORDER BY 1"
            )
        )
        return [r[0] for r in rows]


async def days_stored(db: Database) -> tuple[list[date], list[date]]:
    async with db.uow() as uow:
        records = (
            await uow.session.scalars(select(AuditRecord.chain_day).order_by(AuditRecord.chain_day))
        ).all()
        heads = (await uow.session.scalars(select(ChainHead.day).order_by(ChainHead.day))).all()
    return list(records), list(heads)


async def test_only_partitions_entirely_past_the_retention_are_dropped(audit_db: Database) -> None:
    today = utc_today()
    cutoff = today - timedelta(days=365)
    old_month = add_months(month_start(cutoff), -1)  # ends on the cutoff's month start
    old, at_cutoff, recent = noon(old_month + timedelta(days=3)), noon(cutoff), noon(today)
    kept_early = datetime.combine(month_start(cutoff), time(0), UTC)  # older than 365 days,
    # but its month is not entirely past the cutoff
    await store(
        audit_db, *(make_record(occurred_at=t) for t in (old, kept_early, at_cutoff, recent))
    )
    assert partition_name(old_month) in await partitions(audit_db)

    dry = await run_maintenance(
        audit_db, Settings(database_url=audit_db.url), PartitionKeeper(), dry_run=True
    )
    assert dry.dropped == [partition_name(old_month)]
    assert partition_name(old_month) in await partitions(audit_db)

    longer = await run_maintenance(
        audit_db, Settings(database_url=audit_db.url, audit_retention_days=400), PartitionKeeper()
    )
    assert longer.dropped == []

    report = await run_maintenance(audit_db, Settings(database_url=audit_db.url), PartitionKeeper())
    assert report.dropped == [partition_name(old_month)]
    left = await partitions(audit_db)
    assert partition_name(old_month) not in left
    assert partition_name(month_start(cutoff)) in left
    for month in report.ensured:  # last month, this month and the months ahead
        assert partition_name(month) in left
    records, heads = await days_stored(audit_db)
    assert records == sorted([kept_early.date(), at_cutoff.date(), recent.date()])
    assert old.date() not in heads


async def test_the_database_refuses_a_retention_under_365_days(audit_db: Database) -> None:
    await store(audit_db, make_record(occurred_at=noon(utc_today() - timedelta(days=900))))
    async with audit_db.engine.connect() as conn:
        with pytest.raises(DBAPIError, match="at least 365 days"):
            await conn.execute(text("SELECT * FROM audit_drop_expired_partitions(364)"))
    async with audit_db.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(AuditRecord)) == 1


async def test_the_retention_command_refuses_under_365_days(audit_db: Database) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "audit",
        "retention",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "DATABASE_URL": audit_db.url, "AUDIT_RETENTION_DAYS": "180"},
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "AUDIT_RETENTION_DAYS must be at least 365" in err.decode()


async def test_the_service_runs_the_job_at_start(audit_app: FastAPI) -> None:
    job = audit_app.state.usecases.maintenance

    async def ran() -> bool:
        return bool(job.runs)

    await eventually(ran, timeout=30)
    existing = await partitions(audit_app.state.runtime.db)
    settings = audit_app.state.settings
    for month in months_to_ensure(utc_today(), settings.audit_partitions_ahead):
        assert partition_name(month) in existing
