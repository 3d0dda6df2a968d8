"""Appending a record to its day's chain, and the partitions it lands in."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from audit.db.models import AuditRecord, ChainHead
from audit.domain.chain import chain_day, genesis_hash
from audit.domain.records import record_row
from sc_contracts.events.audit import AuditRecordedV1
from sc_core.db import Database

log = logging.getLogger(__name__)


async def append_records(
    session: AsyncSession, records: Sequence[AuditRecordedV1], *, now: datetime
) -> list[AuditRecordedV1]:
    """Append ``records`` (in their order) to their days' chains; return the ones that
    were new (a record stored before, or twice in ``records``, is stored once).

    Each day's chain head row is locked (``FOR UPDATE``) until the transaction ends, so
    appends to one day are serialised and each record links to the one before it; the
    check for records stored already runs under that lock. Days are locked in date order,
    so two batches never wait on each other in a circle.
    """
    by_day: dict[date, list[AuditRecordedV1]] = {}
    seen: set[uuid.UUID] = set()
    for record in records:
        if record.record_id not in seen:
            seen.add(record.record_id)
            by_day.setdefault(chain_day(record.occurred_at), []).append(record)
    appended: list[AuditRecordedV1] = []
    for day in sorted(by_day):
        todo = by_day[day]
        await session.execute(
            insert(ChainHead)
            .values(day=day, length=0, last_hash=genesis_hash(day), updated_at=now)
            .on_conflict_do_nothing()
        )
        head = (
            await session.execute(
                select(ChainHead.length, ChainHead.last_hash)
                .where(ChainHead.day == day)
                .with_for_update()
            )
        ).one()
        stored = set(
            (
                await session.execute(
                    select(AuditRecord.record_id).where(
                        AuditRecord.record_id.in_([r.record_id for r in todo]),
                        AuditRecord.occurred_at.between(
                            min(r.occurred_at for r in todo), max(r.occurred_at for r in todo)
                        ),
                    )
                )
            ).scalars()
        )
        rows: list[dict[str, Any]] = []
        position, prev_hash = head.length, head.last_hash
        for record in todo:
            if record.record_id in stored:
                continue
            position += 1
            row = record_row(
                record, received_at=now, day=day, position=position, prev_hash=prev_hash
            )
            prev_hash = row["hash"]
            rows.append(row)
            appended.append(record)
        if not rows:
            continue
        # no ON CONFLICT: under the head's lock nothing else can have stored them; a
        # conflict would be a bug and fails the transaction rather than break the chain
        await session.execute(insert(AuditRecord), rows)
        await session.execute(
            update(ChainHead)
            .where(ChainHead.day == day)
            .values(length=position, last_hash=prev_hash, updated_at=now)
        )
    return appended


async def append_record(session: AsyncSession, record: AuditRecordedV1, *, now: datetime) -> bool:
    """Append one record to its day's chain; False when it is stored already."""
    return bool(await append_records(session, [record], now=now))


class PartitionKeeper:
    """Creates monthly partitions through ``audit_ensure_partition``; remembers which exist."""

    def __init__(self) -> None:
        self.known: set[date] = set()

    async def ensure(self, db: Database, month: date) -> None:
        month = month.replace(day=1)
        if month in self.known:
            return
        async with db.engine.begin() as conn:
            name = await conn.scalar(text("SELECT audit_ensure_partition(:m)"), {"m": month})
        log.debug("partition %s ready", name)
        self.known.add(month)

    def forget(self, months: Iterable[date]) -> None:
        self.known.difference_update(m.replace(day=1) for m in months)


def is_missing_partition(exc: BaseException) -> bool:
    return "no partition of relation" in str(exc)
