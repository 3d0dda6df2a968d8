"""The storage consumer: ``telemetry.readings.v1`` -> PostgreSQL, in batches.

sc_core's ``EventConsumer`` handles one event per transaction with an inbox row; at
thousands of readings a second this consumer takes whole batches instead (up to
``max_batch`` messages, one transaction), and gets its idempotence from the raw table's
primary key (see :mod:`device_ingestion.ingest.storage`). Offsets are committed after
the transaction. A message that is not a telemetry event goes to ``<topic>.dlq``; a
batch that fails is retried with backoff until the database takes it (nothing is
skipped while the database is down).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.errors import CommitFailedError
from prometheus_client import Counter, Histogram

from device_ingestion.domain.buckets import Bucketer
from device_ingestion.ingest.passages import PASSAGE_TYPE, door_ids, passages
from device_ingestion.ingest.storage import PartitionKeeper, StoredEvent, parse_event, store_batch
from device_ingestion.status import publish_changes
from sc_core.bus.cloudevents import CloudEvent
from sc_core.bus.consumer import send_to_dlq
from sc_core.bus.producer import ProducerHandle
from sc_core.db.engine import Database

log = logging.getLogger(__name__)

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


class StorageConsumer:
    def __init__(
        self,
        *,
        db: Database,
        bootstrap_servers: str,
        topic: str,
        group_id: str,
        dlq_producer: ProducerHandle,
        bucketer: Bucketer,
        status_topic: str,
        source: str,
        max_batch: int = 5000,
        passage_topic: str = "access.passages.v1",
        on_stored: Callable[[list[StoredEvent]], Awaitable[None]] | None = None,
        meters: tuple[list[str], list[str]] = ([], []),
        client_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.db = db
        self.bootstrap_servers = bootstrap_servers
        self.client_options = dict(client_options or {})  # security: sc_core.kafka
        self.topic = topic
        self.group_id = group_id
        self.dlq_producer = dlq_producer
        self.bucketer = bucketer
        self.status_topic = status_topic
        self.source = source
        self.max_batch = max_batch
        self.passage_topic = passage_topic
        self.on_stored = on_stored
        self.meters = meters  # (device types, counter keys) of meters: energy roll-ups
        self.partitions = PartitionKeeper()
        self._task: asyncio.Task[None] | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self.running = False

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run_forever(), name="telemetry-storage")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close()

    async def _close(self) -> None:
        consumer, self._consumer = self._consumer, None
        self.running = False
        if consumer is not None:
            with contextlib.suppress(Exception):
                await consumer.stop()

    async def _run_forever(self) -> None:
        backoff = 0.5
        while True:
            try:
                consumer = AIOKafkaConsumer(
                    self.topic,
                    **self.client_options,
                    bootstrap_servers=self.bootstrap_servers,
                    group_id=self.group_id,
                    client_id=f"{self.group_id}-storage",
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                    max_poll_records=self.max_batch,
                    fetch_max_bytes=32 * 1024 * 1024,
                    max_partition_fetch_bytes=8 * 1024 * 1024,
                )
                self._consumer = consumer
                await consumer.start()
                self.running = True
                backoff = 0.5
                await self._poll(consumer)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("telemetry storage: %s; reconnecting in %.1fs", exc, backoff)
                await self._close()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)

    async def _poll(self, consumer: AIOKafkaConsumer) -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=200, max_records=self.max_batch)
            records = [r for rs in batches.values() for r in rs]
            if not records:
                continue
            await self.handle(records)
            offsets = {tp: rs[-1].offset + 1 for tp, rs in batches.items() if rs}
            try:
                await consumer.commit(offsets)
            except CommitFailedError as exc:  # rebalanced: a redelivery stores nothing twice
                log.info("telemetry storage: commit after rebalance failed: %s", exc)

    async def handle(self, records: list[ConsumerRecord[Any, Any]]) -> None:
        events: list[StoredEvent] = []
        for record in records:
            try:
                events.append(parse_event(json.loads(record.value)))
            except (ValueError, TypeError) as exc:
                await self._dead_letter(record, exc)
        if events:
            await self._store_until_done(events)

    async def _store_until_done(self, events: list[StoredEvent]) -> None:
        backoff = 0.2
        while True:
            try:
                await self.store(events)
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("telemetry storage: batch failed (%s); retrying", exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def store(self, events: list[StoredEvent]) -> int:
        started = time.perf_counter()
        await self.partitions.ensure(self.db.engine, [e.ts for e in events])
        async with self.db.uow() as uow:
            conn = await uow.session.connection()
            stored = await store_batch(conn, events, self.bucketer.tz.key, self.meters)
            await publish_changes(uow, stored.changes, topic=self.status_topic, source=self.source)
            found = passages(events, stored.new_rows)
            if found:
                doors = await door_ids(conn, {p["device_id"] for p in found})
                for passage in found:
                    passage["door_id"] = doors.get(passage["device_id"], passage["device_id"])
            for passage in found:
                await uow.publish(
                    self.passage_topic,
                    CloudEvent.create(
                        PASSAGE_TYPE, self.source, passage, subject=passage["device_id"]
                    ),
                    key=passage["device_id"],
                )
            await uow.commit()
        BATCH_SECONDS.observe(time.perf_counter() - started)
        STORED.inc(stored.new)
        now = time.time()
        for received_at in {event.received_at for event in events}:  # once per request
            LAG.observe(max(0.0, now - received_at.timestamp()))
        if self.on_stored is not None:
            await self.on_stored(events)
        return stored.new

    async def _dead_letter(self, record: ConsumerRecord[Any, Any], error: Exception) -> None:
        # the one DLQ mechanism: a stable code and a short message, never row values
        await send_to_dlq(
            self.dlq_producer, record, error, consumer="telemetry-storage", attempts=1
        )
