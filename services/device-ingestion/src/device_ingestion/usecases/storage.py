"""The storage of telemetry: ``telemetry.readings.v1`` -> PostgreSQL, a whole poll at a
time (sc_core's ``BatchConsumer``, registered in ``main.py``: bounded client steps, the
DLQ, the retries with backoff while the database is away, ``/readyz``).

Each poll's readings are stored in the consumer's one transaction
(:func:`device_ingestion.ingest.storage.store_batch`), idempotent by the raw table's
primary key; devices back online and gate passages are written to the outbox in the same
transaction. The offsets are committed after it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from prometheus_client import Counter, Histogram

from device_ingestion.ingest.passages import door_ids, passages
from device_ingestion.ingest.storage import PartitionKeeper, StoredEvent, store_batch, stored_event
from device_ingestion.status import publish_changes
from sc_contracts.events import PassageRecordedV1, TelemetryRecordedV1
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork

STORED = Counter("telemetry_stored_total", "Telemetry readings stored (new rows)")
BATCH_SECONDS = Histogram(
    "telemetry_store_batch_seconds",
    "Time to store one batch",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
LAG = Histogram(
    "telemetry_ingest_lag_seconds",
    "From the platform receiving a request's readings to their being stored",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


class Storage:
    def __init__(
        self, db: Database, timezone: str, meters: tuple[list[str], list[str]] = ([], [])
    ) -> None:
        self.db = db
        self.timezone = timezone  # roll-up buckets are cut in the community's time zone
        self.meters = meters  # (device types, counter keys) of meters: energy roll-ups
        self.partitions = PartitionKeeper()

    async def handle(self, readings: list[TelemetryRecordedV1], uow: UnitOfWork) -> None:
        """The batch consumer's handler: one poll's readings, in its unit of work."""
        await self.store_in(uow, [stored_event(r) for r in readings])

    async def store(self, events: Sequence[StoredEvent]) -> int:
        """Store ``events`` in a unit of work of its own (a replay, a test)."""
        async with self.db.uow() as uow:
            return await self.store_in(uow, events)

    async def store_in(self, uow: UnitOfWork, events: Sequence[StoredEvent]) -> int:
        """Store and commit; the figures count only what was committed."""
        started = time.perf_counter()
        await self.partitions.ensure(self.db.engine, [e.ts for e in events])
        conn = await uow.session.connection()
        stored = await store_batch(conn, events, self.timezone, self.meters)
        await publish_changes(uow, stored.changes)
        found = passages(events, stored.new_rows)
        if found:
            doors = await door_ids(conn, {p["device_id"] for p in found})
            for passage in found:
                passage["door_id"] = doors.get(passage["device_id"], passage["device_id"])
        for passage in found:
            await uow.publish(PassageRecordedV1(**passage), key=passage["device_id"])
        await uow.commit()
        BATCH_SECONDS.observe(time.perf_counter() - started)
        STORED.inc(stored.new)
        now = time.time()
        for received_at in {event.received_at for event in events}:  # once per request
            LAG.observe(max(0.0, now - received_at.timestamp()))
        return stored.new
