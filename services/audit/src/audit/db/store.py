"""Appending a record to its day's chain, and the partitions it lands in."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from audit.db.models import AuditRecord, ChainHead
from audit.domain.chain import chain_day, genesis_hash
from audit.domain.records import record_row
from sc_contracts.events.audit import AuditRecordedV1
from sc_core.db import Database

log = logging.getLogger(__name__)


async def append_record(session: AsyncSession, record: AuditRecordedV1, *, now: datetime) -> bool:
    """Append ``record`` to its day's chain; False when it is stored already.

    The day's chain head row is locked (``FOR UPDATE``) until the transaction ends, so
    appends to one day are serialised and each record links to the one before it.
    """
    day = chain_day(record.occurred_at)
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
    row = record_row(
        record, received_at=now, day=day, position=head.length + 1, prev_hash=head.last_hash
    )
    stored = (
        await session.execute(
            insert(AuditRecord)
            .values(**row)
            .on_conflict_do_nothing()
            .returning(AuditRecord.record_id)
        )
    ).first()
    if stored is None:
        return False
    await session.execute(
        update(ChainHead)
        .where(ChainHead.day == day)
        .values(length=row["chain_pos"], last_hash=row["hash"], updated_at=now)
    )
    return True


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
