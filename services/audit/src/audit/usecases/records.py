"""Storing received audit records, each once (the batch consumer's handler)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from prometheus_client import Counter
from sqlalchemy.exc import DBAPIError

from audit.db.store import PartitionKeeper, append_records, is_missing_partition
from audit.domain.chain import chain_day
from sc_contracts.events.audit import AuditRecordedV1
from sc_core.db import Database
from sc_core.db.uow import UnitOfWork

RECORDS = Counter(
    "audit_records_total",
    "Audit records received by the store: stored, or duplicate (stored before)",
    ["outcome"],
)


class RecordStore:
    def __init__(self, db: Database, partitions: PartitionKeeper) -> None:
        self.db = db
        self.partitions = partitions
        self.stored = 0
        self.duplicates = 0

    async def on_batch(self, records: list[AuditRecordedV1], uow: UnitOfWork) -> None:
        """Batch consumer handler: a whole poll of records (decoded by the one codec; one
        that does not match its contract went to the dead-letter topic) in one transaction."""
        await self.store_many(uow, records)

    async def store(self, uow: UnitOfWork, record: AuditRecordedV1) -> bool:
        return bool(await self.store_many(uow, [record]))

    async def store_many(
        self, uow: UnitOfWork, records: Sequence[AuditRecordedV1]
    ) -> list[AuditRecordedV1]:
        months = sorted({chain_day(r.occurred_at).replace(day=1) for r in records})
        for month in months:
            await self.partitions.ensure(self.db, month)
        try:
            appended = await append_records(uow.session, records, now=datetime.now(UTC))
        except DBAPIError as exc:
            if is_missing_partition(exc):  # dropped meanwhile by another replica
                self.partitions.forget(months)
            raise
        self.stored += len(appended)
        self.duplicates += len(records) - len(appended)
        # counted before the commit: a batch whose commit fails is counted again on retry
        RECORDS.labels("stored").inc(len(appended))
        RECORDS.labels("duplicate").inc(len(records) - len(appended))
        return appended
