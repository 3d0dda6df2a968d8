"""Consuming events in batches: many records, one transaction, then the offsets.

:class:`~sc_core.bus.consumer.EventConsumer` spends one transaction (and one inbox row)
per event; a consumer of a high-volume topic (telemetry at thousands of readings a
second) takes whole batches instead::

    consumer = BatchConsumer(
        name="alarm-evaluator", db=db, bootstrap_servers=..., topics=["telemetry.readings.v1"],
        group_id="alarm.evaluator", dlq_producer=producer, handler=evaluate,
        event_types={"community.telemetry.recorded.v1"},
    )

    async def evaluate(events: list[CloudEvent], uow: UnitOfWork) -> None: ...

With ``model=TelemetryRecordedV1`` the handler gets the decoded models instead
(``list[TelemetryRecordedV1]``; with ``envelopes=True`` also the list of their
:class:`~sc_core.bus.cloudevents.Envelope`), each parsed and validated straight from the
message value (:func:`~sc_core.bus.cloudevents.decode_data`, the fast path), and the
topic defaults to the model's. A record whose data does not fit goes to the DLQ at once.

For each poll (up to ``max_batch`` records) the consumer decodes the CloudEvents (a record
that is not one goes to ``<topic>.dlq`` at once), hands the decoded events to ``handler``
inside one unit of work, commits it, and only then commits the offsets. There is no inbox:
the handler is idempotent by its own keys, or tolerates a redelivery after a crash.
With ``commit_interval_s`` the offsets of handled batches are committed at most that often
(and when partitions are revoked or the consumer stops) instead of after every batch: an
offset commit is a round trip to the broker and a write to its offsets log, which a
consumer taking a hundred batches a second need not pay each time; a crash then redelivers
up to that interval's records, which such a handler ignores by its own keys.

When a batch fails ``max_retries + 1`` times the events are handled one at a time, so that
the one bad event goes to the dead-letter topic (after its own retries, none for a 4xx
:class:`~sc_core.errors.Problem`: :func:`~sc_core.bus.reasons.refused`) and the others
are handled. A failure that looks like the database or the network being away is never
dead-lettered: the batch is retried with backoff until it goes through (nothing is skipped
while the database is down). This generalises device-ingestion's storage consumer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError
from prometheus_client import Counter, Histogram
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from sc_contracts.events import EventData
from sc_core import failpoints
from sc_core.bus.cloudevents import CloudEvent, Envelope, InvalidEvent, decode_data
from sc_core.bus.consumer import (
    CLIENT_STEP_SECONDS,
    STALL_SECONDS,
    EventConsumer,
    StallWatch,
    bounded,
    cancelled_from_outside,
    send_to_dlq,
    start_client,
)
from sc_core.bus.fetch_bound import FetchBound
from sc_core.bus.long_poll import ParkedFetches, idle_options
from sc_core.bus.producer import ProducerHandle
from sc_core.bus.reasons import dlq_reason, refused
from sc_core.db.engine import Database
from sc_core.retry import Backoff

log = logging.getLogger(__name__)

BatchHandler = Callable[..., Awaitable[None]]
"""``(events, uow)`` or, with ``envelopes=True``, ``(events, uow, envelopes)``; the events
are CloudEvents, or the decoded models when the consumer has a ``model``."""
_Item = tuple[Any, Envelope, ConsumerRecord[Any, Any]]
PartitionsCallback = Callable[[set[TopicPartition]], Awaitable[None] | None]

BATCH_EVENTS = Counter(
    "batch_events_consumed_total", "Events consumed in batches, by outcome", ["consumer", "outcome"]
)
BATCH_SECONDS = Histogram(
    "batch_handle_seconds",
    "Time to handle and commit one batch",
    ["consumer"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


def is_transient(exc: BaseException) -> bool:
    """The database or the network is away (retry), rather than the event being bad."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(
        exc, OperationalError | InterfaceError | ConnectionError | OSError | asyncio.TimeoutError
    )


class _Rebalance(ParkedFetches):
    def __init__(self, owner: BatchConsumer) -> None:
        super().__init__()
        self.owner = owner

    async def on_partitions_revoked(self, revoked: Any) -> None:
        # the new owner starts after what this consumer handled (not after the last
        # commit); commits are allowed here, before the group rebalances
        await self.owner.commit_pending()

    async def on_partitions_assigned(self, assigned: Any) -> None:
        await super().on_partitions_assigned(assigned)
        if self.owner.on_assigned is not None:
            result = self.owner.on_assigned(set(assigned))
            if result is not None:
                await result


class BatchConsumer:
    """Subscribe ``topics`` in group ``group_id``; hand each poll to ``handler`` at once."""

    def __init__(
        self,
        *,
        name: str,
        db: Database,
        bootstrap_servers: str,
        topics: list[str] | None = None,
        group_id: str,
        dlq_producer: ProducerHandle,
        handler: BatchHandler,
        event_types: Collection[str] | None = None,
        model: type[EventData] | None = None,
        envelopes: bool = False,
        topic_for: Callable[[str], str] = str,
        max_batch: int = 2000,
        max_retries: int = 3,
        retry_backoff: float = 0.2,
        poll_timeout_ms: int = 500,
        on_assigned: PartitionsCallback | None = None,
        consumer_options: dict[str, Any] | None = None,
        client_options: Mapping[str, Any] | None = None,
        commit_interval_s: float = 0.0,
    ) -> None:
        self.name = name
        self.db = db
        self.bootstrap_servers = bootstrap_servers
        self.model = model
        self.envelopes = envelopes
        if model is not None:
            event_types = {model.event_type}
            topics = topics or [topic_for(model.topic)]
        if not topics:
            raise ValueError(f"batch consumer {name} subscribes to no topic")
        self.topics = topics
        self.group_id = group_id
        self.dlq_producer = dlq_producer
        self.handler = handler
        self.event_types = frozenset(event_types) if event_types is not None else None
        self.max_batch = max_batch
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self.poll_timeout_ms = poll_timeout_ms
        self.on_assigned = on_assigned
        self.consumer_options = consumer_options or {}
        self.client_options = dict(client_options or {})  # security: sc_core.kafka
        self.commit_interval_s = commit_interval_s
        self._pending: dict[TopicPartition, int] = {}  # handled, offsets not yet committed
        # never: the first handled batch commits at once (the loop's clock counts from the
        # machine's boot, so 0.0 made a fresh machine wait out a whole interval)
        self._committed_at = float("-inf")
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self.running = False
        # the shared member that polls for this consumer (sc_core.bus.feeds, ADR 0083)
        self.carrier: EventConsumer | None = None
        self.parked: ParkedFetches | None = None  # its client's fetches, kept apart

    # lifecycle --------------------------------------------------------------------
    async def start(self) -> None:
        if self.carrier is not None:  # its carrier polls for it and is started itself
            return
        self._task = asyncio.create_task(self._run_forever(), name=f"batch-{self.name}")

    @property
    def alive(self) -> bool:
        """The consumer's task runs (it reconnects on every error; it ends only when
        stopped); one carried by a shared member is alive when that member is."""
        if self.carrier is not None:
            return self.carrier.alive
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        if self.carrier is not None:  # stopped with its carrier
            return
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        with contextlib.suppress(Exception):  # best effort: a redelivery is handled anyway
            await self.commit_pending()
        await self._close()

    async def _close(self) -> None:
        consumer, self._consumer = self._consumer, None
        self._pending = {}  # a new consumer starts from the committed offsets
        self.running = False
        if consumer is not None:
            with contextlib.suppress(Exception):
                await bounded(consumer.stop(), CLIENT_STEP_SECONDS)

    async def _run_forever(self) -> None:
        backoff = Backoff(first=0.5, cap=10.0)
        while True:
            try:
                options: dict[str, Any] = {
                    **self.client_options,
                    "bootstrap_servers": self.bootstrap_servers,
                    "group_id": self.group_id,
                    "client_id": self.name,
                    "enable_auto_commit": False,
                    "auto_offset_reset": "earliest",
                    "max_poll_records": self.max_batch,
                    # an idle consumer's fetch waits at the broker this long; a reading that
                    # arrives meanwhile is answered at once (fetch_min_bytes is 1), so only
                    # the idle cost depends on it: at 20 ms each idle consumer made the
                    # broker answer 50 empty fetches a second (issue 28, the idle stack);
                    # one asking for less has it only while batches arrive (FetchBound);
                    # the long poll and the fetcher's wake-up as every consumer's (ADR 0067)
                    **idle_options(),
                }
                options.update(self.consumer_options)
                consumer = AIOKafkaConsumer(**options)
                self.parked = _Rebalance(self).watch(consumer)
                consumer.subscribe(self.topics, listener=self.parked)
                await start_client(consumer)
                self._consumer = consumer
                self.running = True
                backoff.reset()
                await self._poll(consumer, FetchBound.of(options))
            except asyncio.CancelledError:
                if cancelled_from_outside():
                    raise
                log.warning(
                    "batch consumer %s: a client step was cancelled; reconnecting", self.name
                )
                await self._close()
                await asyncio.sleep(backoff.upcoming)
            except Exception as exc:
                wait = backoff.delay()
                log.warning("batch consumer %s: %r; reconnecting in %.1fs", self.name, exc, wait)
                await self._close()
                await asyncio.sleep(wait)

    async def _poll(self, consumer: AIOKafkaConsumer, bound: FetchBound) -> None:
        watch = StallWatch(self.name, STALL_SECONDS)
        loop = asyncio.get_running_loop()
        while True:
            batches = await watch.poll(
                consumer, timeout_ms=self.poll_timeout_ms, max_records=self.max_batch
            )
            records = [r for rs in batches.values() for r in rs]
            bound.after_poll(consumer, bool(records))
            if records:
                await self.handle(records)
                failpoints.hit("consumer.after_db_commit")
                self._pending.update({tp: rs[-1].offset + 1 for tp, rs in batches.items() if rs})
            if self._pending and loop.time() - self._committed_at >= self.commit_interval_s:
                await self.commit_pending()

    async def commit_pending(self) -> None:
        """Commit the offsets of every batch handled so far."""
        consumer, offsets = self._consumer, self._pending
        if consumer is None or not offsets:
            return
        self._pending = {}
        self._committed_at = asyncio.get_running_loop().time()
        try:
            await bounded(consumer.commit(offsets), STALL_SECONDS)
        except CommitFailedError as exc:  # rebalanced meanwhile: a redelivery follows
            log.info("batch consumer %s: commit after rebalance failed: %s", self.name, exc)

    # processing -------------------------------------------------------------------
    async def handle(self, records: list[ConsumerRecord[Any, Any]]) -> None:
        """Decode, hand over in one transaction, fall back to one by one on failure."""
        items: list[_Item] = []
        for record in records:
            try:
                envelope = Envelope.from_headers(record.headers)
                if self.event_types is not None and envelope.type not in self.event_types:
                    BATCH_EVENTS.labels(self.name, "ignored").inc()
                    continue
                if self.model is not None:
                    data: Any = decode_data(record.value, self.model)
                else:
                    data = CloudEvent.from_envelope(envelope, record.value)
            except InvalidEvent as exc:
                await self.dead_letter(record, exc, attempts=0)
                continue
            items.append((data, envelope, record))
        if not items:
            return
        if await self._attempts(items) is True:
            BATCH_EVENTS.labels(self.name, "processed").inc(len(items))
            return
        log.warning("batch consumer %s: batch of %d failed; one by one", self.name, len(items))
        for item in items:
            error = await self._attempts([item])
            if error is True:
                BATCH_EVENTS.labels(self.name, "processed").inc()
            else:
                tries = 1 if refused(error) else self.max_retries + 1
                await self.dead_letter(item[2], error, attempts=tries)

    async def _attempts(self, items: list[_Item]) -> BaseException | bool:
        """True when handled; else the last error after ``max_retries`` retries. A
        transient error (database or network away) is retried without limit: an outage
        must not turn good events into dead letters."""
        attempt = 0
        backoff = Backoff(first=self.retry_backoff, cap=5.0)
        while True:
            attempt += 1
            try:
                with BATCH_SECONDS.labels(self.name).time():
                    await self.handle_once([d for d, _, _ in items], [e for _, e, _ in items])
                return True
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                transient = is_transient(exc)
                log.warning(
                    "batch consumer %s: %d event(s) failed (attempt %d%s): %s",
                    self.name,
                    len(items),
                    attempt,
                    ", transient" if transient else "",
                    ": ".join(dlq_reason(exc)),  # never the statement or its values
                )
                if refused(exc) or (not transient and attempt > self.max_retries):
                    return exc
                await backoff.sleep()

    async def handle_once(
        self, events: Sequence[Any], envelopes: Sequence[Envelope] | None = None
    ) -> None:
        """Hand ``events`` (CloudEvents, or the decoded models) to the handler in one unit
        of work and commit it."""
        async with self.db.uow() as uow:
            if self.envelopes:
                await self.handler(list(events), uow, list(envelopes or []))
            else:
                await self.handler(list(events), uow)
            if not uow.committed:
                await uow.commit()

    async def dead_letter(
        self, record: ConsumerRecord[Any, Any], error: BaseException | bool, *, attempts: int
    ) -> None:
        reason = error if isinstance(error, BaseException) else "failed"
        await send_to_dlq(self.dlq_producer, record, reason, consumer=self.name, attempts=attempts)
        BATCH_EVENTS.labels(self.name, "dead_lettered").inc()
