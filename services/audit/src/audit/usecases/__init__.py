"""Use cases of the audit store: storing records (the consumer's), reading the trail (the
API's), and the maintenance job; built once in ``main.build``."""

from __future__ import annotations

from dataclasses import dataclass

from audit.db.store import PartitionKeeper
from audit.maintenance import MaintenanceJob
from audit.usecases.records import RecordStore
from audit.usecases.trail import Trail


@dataclass(frozen=True)
class UseCases:
    partitions: PartitionKeeper
    records: RecordStore
    trail: Trail
    maintenance: MaintenanceJob
