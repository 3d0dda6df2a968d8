"""Partitions ahead, retention and inbox pruning: a periodic job in the service and the
``python -m audit retention`` command."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import delete, func, text

from audit.config import Settings
from audit.db.store import PartitionKeeper
from audit.domain.partitions import months_to_ensure, utc_today
from audit.domain.vocabulary import CONSUMER_NAME
from sc_core.db import Database
from sc_core.retry import Backoff

log = logging.getLogger(__name__)
RETRY_SECONDS = 60.0


@dataclass
class MaintenanceReport:
    ensured: list[date] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    inbox_pruned: int = 0
    broken_days: list[date] = field(default_factory=list)


async def drop_expired_partitions(db: Database, retention_days: int, *, dry_run: bool) -> list[str]:
    """Names of the partitions past the retention, dropped unless ``dry_run``."""
    async with db.engine.begin() as conn:
        rows = await conn.execute(
            text("SELECT * FROM audit_drop_expired_partitions(:days, :dry)"),
            {"days": retention_days, "dry": dry_run},
        )
        return [str(r[0]) for r in rows]


def _month_of(name: str) -> date:
    # audit_record_y2026m05
    return date(int(name[14:18]), int(name[19:21]), 1)


async def run_maintenance(
    db: Database, settings: Settings, partitions: PartitionKeeper, *, dry_run: bool = False
) -> MaintenanceReport:
    report = MaintenanceReport()
    if not dry_run:
        for month in months_to_ensure(utc_today(), settings.audit_partitions_ahead):
            await partitions.ensure(db, month)
            report.ensured.append(month)
    report.dropped = await drop_expired_partitions(
        db, settings.audit_retention_days, dry_run=dry_run
    )
    if dry_run:
        return report
    partitions.forget(_month_of(name) for name in report.dropped)
    inbox = db.tables.inbox
    async with db.engine.begin() as conn:
        result = await conn.execute(
            delete(inbox).where(
                inbox.c.consumer == CONSUMER_NAME,
                inbox.c.processed_at
                < func.now() - func.make_interval(0, 0, 0, settings.audit_inbox_keep_days),
            )
        )
        report.inbox_pruned = int(getattr(result, "rowcount", 0) or 0)
    if report.dropped:
        log.info("retention dropped partitions: %s", ", ".join(report.dropped))
    # yesterday's chain is closed: verify it on every run, so a broken chain shows in
    # audit_chain_verifications_total{outcome="broken"} (the AuditChainBroken alert)
    from audit.integrity import verify_day

    yesterday = utc_today() - timedelta(days=1)
    if not (await verify_day(db, yesterday)).ok:
        report.broken_days.append(yesterday)
        log.error("audit chain of %s is broken: run python -m audit verify", yesterday)
    return report


class MaintenanceJob:
    """Runs :func:`run_maintenance` at start and then every interval; a failed run is
    logged and retried within a minute (``sc_core.retry.Backoff``). Replicas may all run
    it: the database functions take an advisory lock. A resource of the app: started
    after the migrations, closed with the app."""

    def __init__(self, settings: Settings, db: Database, partitions: PartitionKeeper) -> None:
        self.settings = settings
        self.db = db
        self.partitions = partitions
        self._task: asyncio.Task[None] | None = None
        self.runs = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="audit-maintenance")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        retry = Backoff(first=RETRY_SECONDS, cap=RETRY_SECONDS)
        while True:
            interval = self.settings.audit_maintenance_interval_seconds
            try:
                await run_maintenance(self.db, self.settings, self.partitions)
                retry.reset()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                interval = min(interval, retry.delay())
                log.warning("audit maintenance failed: %s; retrying in %.0f s", exc, interval)
            self.runs += 1
            await asyncio.sleep(interval)
