"""Raw telemetry partitions: created ahead, dropped after the retention.

``telemetry`` is partitioned by UTC month (``telemetry_parts.telemetry_yYYYYmMM``, created
on demand by the storage consumer). A periodic job (``PARTITION_MAINTENANCE_INTERVAL_S``)
creates the current month's and the next ``PARTITIONS_AHEAD_MONTHS`` partitions before
readings need them, and drops every partition that lies wholly before
now - ``TELEMETRY_RETENTION_DAYS`` (0: keep raw data forever); rows that old in the default
partition are deleted. Roll-ups (hour/day/month/year, energy) are kept: statistics over
years stay available after the raw points are gone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from device_ingestion.db.models import PARTITION_SCHEMA
from device_ingestion.ingest.storage import PartitionKeeper

log = logging.getLogger(__name__)

_NAME = re.compile(r"^telemetry_y(\d{4})m(\d{2})$")


@dataclass
class Maintained:
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    deleted_default_rows: int = 0


def _month_after(year: int, month: int) -> tuple[int, int]:
    return (year + (month == 12), month % 12 + 1)


async def maintain_partitions(
    engine: AsyncEngine,
    keeper: PartitionKeeper,
    *,
    retention_days: int,
    months_ahead: int = 2,
    now: datetime | None = None,
) -> Maintained:
    now = now or datetime.now(UTC)
    out = Maintained()
    year, month = now.year, now.month
    months = []
    for _ in range(months_ahead + 1):
        months.append(datetime(year, month, 1, tzinfo=UTC))
        year, month = _month_after(year, month)
    before = set(keeper.known)
    await keeper.ensure(engine, months)
    out.created = [f"telemetry_y{y:04d}m{m:02d}" for y, m in sorted(keeper.known - before)]
    if retention_days <= 0:
        return out
    cutoff = now - timedelta(days=retention_days)
    async with engine.begin() as conn:
        names = (
            await conn.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'telemetry'::regclass"
                )
            )
        ).scalars()
        for name in sorted(names):
            match = _NAME.match(name)
            if match is None:
                continue
            y, m = int(match.group(1)), int(match.group(2))
            end_y, end_m = _month_after(y, m)
            if datetime(end_y, end_m, 1, tzinfo=UTC) <= cutoff:
                # the name matched ^telemetry_y\d{4}m\d{2}$: safe to put in the statement
                await conn.execute(text(f"DROP TABLE IF EXISTS {PARTITION_SCHEMA}.{name}"))
                keeper.known.discard((y, m))
                out.dropped.append(name)
        default = f"{PARTITION_SCHEMA}.telemetry_default"
        if await conn.scalar(text("SELECT to_regclass(:n)"), {"n": default}) is not None:
            result = await conn.execute(
                text(f"DELETE FROM {default} WHERE ts < :cutoff"),  # noqa: S608
                {"cutoff": cutoff},
            )
            out.deleted_default_rows = int(result.rowcount or 0)
    if out.dropped or out.deleted_default_rows:
        log.info(
            "telemetry retention (%d days): dropped %s, %d rows of the default partition",
            retention_days,
            ", ".join(out.dropped) or "no partition",
            out.deleted_default_rows,
        )
    return out
