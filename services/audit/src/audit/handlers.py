"""Use case: store one received audit record, once."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import DBAPIError

from audit.db.store import PartitionKeeper, append_record, is_missing_partition
from audit.domain.chain import chain_day
from sc_contracts import validate_event_data
from sc_contracts.events.audit import AuditRecordedV1
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db import Database
from sc_core.db.uow import UnitOfWork


class RecordStore:
    def __init__(self, db: Database, partitions: PartitionKeeper) -> None:
        self.db = db
        self.partitions = partitions
        self.stored = 0
        self.duplicates = 0

    async def on_recorded(self, event: CloudEvent, uow: UnitOfWork | None) -> None:
        """Consumer handler: the inbox row is already in ``uow``; the record joins it."""
        assert uow is not None, "the audit consumer runs with its inbox"
        record = validate_event_data(event.type, event.data)
        assert isinstance(record, AuditRecordedV1)
        await self.store(uow, record)
        await uow.commit()

    async def store(self, uow: UnitOfWork, record: AuditRecordedV1) -> bool:
        month = chain_day(record.occurred_at).replace(day=1)
        await self.partitions.ensure(self.db, month)
        try:
            appended = await append_record(uow.session, record, now=datetime.now(UTC))
        except DBAPIError as exc:
            if is_missing_partition(exc):  # dropped meanwhile by another replica
                self.partitions.forget([month])
            raise
        if appended:
            self.stored += 1
        else:
            self.duplicates += 1
        return appended
