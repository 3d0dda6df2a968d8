"""Consuming events: idempotent inbox, bounded retries with backoff, then ``<topic>.dlq``.

Handlers are registered by contract model and receive the decoded model and the unit of
work the effect commits in (never None: every service has a database)::

    alarms = runtime.consumer(name="alarms")          # subscribes to AlarmRaisedV1.topic

    @alarms.on(AlarmRaisedV1)
    async def on_raised(event: AlarmRaisedV1, uow: UnitOfWork) -> None:
        await cases.open_from_alarm(uow, event)

    @alarms.on(AlarmClearedV1, envelope=True)        # also the id, time, source, subject
    async def on_cleared(event: AlarmClearedV1, uow: UnitOfWork, envelope: Envelope) -> None:

A message whose data does not fit the model goes to ``<topic>.dlq`` at once (retrying
cannot make it fit), and so does one whose handler refuses it with a 4xx
:class:`~sc_core.errors.Problem` (:func:`~sc_core.bus.reasons.refused`, ADR 0044): its
dead letter says the problem's own code.

For each message the consumer opens a unit of work, records the event id in the inbox
(``ON CONFLICT DO NOTHING``: a redelivered event is skipped), runs the handler and
commits — effect and inbox row in one transaction. Offsets are committed only after
that, so a crash between the two redelivers, and the redelivery changes nothing.
A handler that keeps failing sends the message to the dead-letter topic and the
partition goes on.

A service's consumers made by ``runtime.consumer(name=...)`` without options are *feeds*:
they do not join groups of their own but share one member (:mod:`sc_core.bus.feeds`,
ADR 0070), which hands each record to :meth:`EventConsumer.process` of every feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, overload

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Gauge
from sqlalchemy.dialects.postgresql import insert

from sc_contracts.events import EventData
from sc_core import failpoints
from sc_core.bus.cloudevents import CloudEvent, Envelope, InvalidEvent, decode_data
from sc_core.bus.long_poll import POLL_TIMEOUT_MS, ParkedFetches, idle_options
from sc_core.bus.producer import ProducerHandle
from sc_core.bus.reasons import dlq_reason, refused
from sc_core.bus.steps import StepCancelled, bounded
from sc_core.bus.tracing import context_from_headers
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.retry import Backoff

log = logging.getLogger(__name__)
tracer = trace.get_tracer("sc_core.bus")

M = TypeVar("M", bound=EventData)
TypedHandler = Callable[[M, UnitOfWork], Awaitable[None]]
EnvelopeHandler = Callable[[M, UnitOfWork, Envelope], Awaitable[None]]

CONSUMED = Counter(
    "events_consumed_total", "Events consumed, by outcome", ["consumer", "topic", "outcome"]
)
CONSUMER_LAG = Gauge(
    "events_consumer_lag_records",
    "Records on an assigned partition not yet consumed (high watermark - position)",
    ["consumer", "topic", "partition"],
)
LAG_EVERY_SECONDS = 5.0
"""How often a consumer refreshes its lag gauge (from the last fetch's high watermark)."""


__all__ = ["StepCancelled", "bounded"]  # re-exported: callers know them from here

CLIENT_STEP_SECONDS = 30.0
"""Longest a consumer client may take to start (join its group) or to stop; after a
whole-cluster restart aiokafka's stop() waited for ever on a LeaveGroup nobody answered."""

STALL_SECONDS = 30.0
"""A consumer that fetched nothing while records waited, or could not commit, for this long
starts afresh."""


class ConsumerStalled(RuntimeError):
    """The client lost its group for too long (seen after a whole-cluster restart: the
    coordinator marked dead and never found again); the caller reconnects."""


class StallWatch:
    """Notices a consumer client that stopped making progress, so the caller can start a
    fresh one. Seen after a whole-cluster restart: aiokafka's client kept a stale view of
    the brokers (or a dead coordinator) and fetched nothing while records waited.

    After ``seconds`` without a record, the watch asks the brokers for the end offsets of
    the assigned partitions: no answer means it is stuck. Records waiting behind the
    consumer's positions mean it is stuck only if they still wait ``confirm`` seconds
    later with none fetched meanwhile: a quiet consumer that looks just as a burst is
    written finds records that arrived a moment ago, not records it failed to fetch for
    30 s (session 16: a patrol job's burst of 200 work orders each minute made
    notification, gov-affairs, commerce and alarm "stall", reconnect and rebalance every
    minute). A client with no partitions and no coordinator for that long is stuck too; a
    replica that merely has no partition (more replicas than partitions) still knows its
    coordinator and is left alone.
    """

    def __init__(self, name: str, seconds: float, confirm: float | None = None) -> None:
        self.name = name
        self.seconds = seconds
        self.confirm = seconds / 3 if confirm is None else confirm
        self._quiet_since: float | None = None
        self._waiting_since: float | None = None  # records seen waiting, none fetched since
        self._lag_at = float("-inf")
        self._lag_labels: set[tuple[str, str, str]] = set()

    async def poll(
        self, consumer: AIOKafkaConsumer, *, timeout_ms: int, max_records: int
    ) -> dict[TopicPartition, list[ConsumerRecord[Any, Any]]]:
        """``getmany``, bounded, then ``check``. aiokafka's getmany waits without limit for
        a rebalance to end; after a whole-cluster restart the group never re-formed and the
        poll loop sat there, before any check could run (found by the reliability suite)."""
        try:
            batches: dict[TopicPartition, list[ConsumerRecord[Any, Any]]] = await bounded(
                consumer.getmany(timeout_ms=timeout_ms, max_records=max_records),
                self.seconds * 2,
            )
        except TimeoutError as exc:
            raise ConsumerStalled(
                f"no assignment for {self.seconds * 2:.0f}s (the group did not re-form)"
            ) from exc
        await self.check(consumer, any(batches.values()))
        await self.record_lag(consumer)
        return batches

    async def record_lag(self, consumer: AIOKafkaConsumer) -> None:
        """Set ``events_consumer_lag_records`` of each assigned partition, at most every
        LAG_EVERY_SECONDS: the high watermark the last fetch saw minus the position
        (nothing asked of the brokers); partitions no longer assigned are dropped."""
        now = asyncio.get_running_loop().time()
        if now - self._lag_at < LAG_EVERY_SECONDS:
            return
        seen: set[tuple[str, str, str]] = set()
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is None:
                continue
            try:
                position = await bounded(consumer.position(tp), 1)
            except Exception as exc:  # no position yet (reset under way): next time
                log.debug("consumer %s: no position of %s yet: %r", self.name, tp, exc)
                continue
            labels = (self.name, tp.topic, str(tp.partition))
            CONSUMER_LAG.labels(*labels).set(max(0, high - position))
            seen.add(labels)
        for gone in self._lag_labels - seen:
            CONSUMER_LAG.remove(*gone)
        self._lag_labels = seen
        if seen:  # nothing known yet (no assignment, no fetch): look again next poll
            self._lag_at = now

    async def check(self, consumer: AIOKafkaConsumer, got_records: bool) -> None:
        now = asyncio.get_running_loop().time()
        if got_records or self._quiet_since is None:
            self._quiet_since, self._waiting_since = now, None
            return
        suspect = self._waiting_since is not None
        if now - self._quiet_since <= (self.confirm if suspect else self.seconds):
            return
        self._quiet_since = now  # look again one period (or the confirmation) later
        assigned = consumer.assignment()
        if not assigned:
            coordinator = getattr(consumer, "_coordinator", None)
            if getattr(coordinator, "coordinator_id", 0) is None:
                raise ConsumerStalled("no partitions and no group coordinator")
            return

        async def lag() -> dict[Any, int]:
            ends = await consumer.end_offsets(list(assigned))
            return {tp: ends[tp] - await consumer.position(tp) for tp in assigned if tp in ends}

        try:
            waiting = await bounded(lag(), 15)
        except Exception as exc:
            raise ConsumerStalled(f"the brokers do not answer ({exc!r})") from exc
        behind = {tp: n for tp, n in waiting.items() if n > 0}
        if not behind:
            self._waiting_since = None
        elif self._waiting_since is None:
            self._waiting_since = now  # perhaps written a moment ago: look again shortly
        else:
            raise ConsumerStalled(
                f"{sum(behind.values())} records waiting, none fetched for "
                f"{now - self._waiting_since:.0f}s"
            )


async def start_client(consumer: AIOKafkaConsumer) -> None:
    """Start (join the group) within ``CLIENT_STEP_SECONDS``; a client that fails to start
    is stopped, one whose owner is being stopped meanwhile is left to the collector
    (aiokafka's stop() can wait on the half-made join for seconds)."""
    try:
        await bounded(consumer.start(), CLIENT_STEP_SECONDS)
    except asyncio.CancelledError:
        raise
    except BaseException:
        with contextlib.suppress(Exception):
            await bounded(consumer.stop(), CLIENT_STEP_SECONDS)
        raise


def cancelled_from_outside() -> bool:
    """Whether the current task itself is being cancelled (by its owner), as opposed to a
    CancelledError surfacing from a future some library cancelled underneath it."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def dlq_topic(topic: str) -> str:
    return f"{topic}.dlq"


async def send_to_dlq(
    producer: ProducerHandle,
    record: ConsumerRecord[Any, Any],
    error: BaseException | str,
    *,
    consumer: str,
    attempts: int,
) -> None:
    """Send ``record`` as it came to ``<topic>.dlq`` with why and where from; waits (with
    backoff) until the broker takes it: a dead letter is never dropped."""
    code, message = dlq_reason(error)
    headers = list(record.headers or []) + [
        ("x-dlq-reason", f"{code}: {message}".encode()),
        ("x-dlq-code", code.encode()),
        ("x-dlq-consumer", consumer.encode()),
        ("x-dlq-attempts", str(attempts).encode()),
        ("x-dlq-original-topic", record.topic.encode()),
        ("x-dlq-original-partition", str(record.partition).encode()),
        ("x-dlq-original-offset", str(record.offset).encode()),
    ]
    log.error(
        "consumer %s: %s@%d to DLQ: %s: %s", consumer, record.topic, record.offset, code, message
    )
    backoff = Backoff(first=0.2, cap=5.0)
    while True:
        try:
            kafka = await producer.get()
            await bounded(
                kafka.send_and_wait(
                    dlq_topic(record.topic), value=record.value, key=record.key, headers=headers
                ),
                10,
            )
            return
        except Exception as exc:
            log.warning("consumer %s: DLQ send failed: %s", consumer, exc)
            await producer.abandon()
            await backoff.sleep()


@dataclass(frozen=True)
class _Route:
    handler: Callable[..., Awaitable[None]]
    model: type[EventData]
    envelope: bool = False


class EventConsumer:
    """Subscribe ``topics`` in consumer group ``group_id`` and dispatch by event type."""

    def __init__(
        self,
        *,
        name: str,
        bootstrap_servers: str,
        topics: list[str] | None = None,
        group_id: str | None = None,
        db: Database | None = None,
        dlq_producer: ProducerHandle,
        max_retries: int = 3,
        retry_backoff: float = 0.2,
        max_batch: int = 500,
        consumer_options: dict[str, Any] | None = None,
        client_options: Mapping[str, Any] | None = None,
        topic_for: Callable[[str], str] = str,
    ) -> None:
        self.name = name
        self.bootstrap_servers = bootstrap_servers
        self.topics = list(topics or [])
        self.topic_for = topic_for  # catalogue topic -> the topic this service uses
        self.group_id = group_id or name
        self.db = db
        self.dlq_producer = dlq_producer
        self.max_retries = max_retries
        self.retry_backoff = retry_backoff
        self.max_batch = max_batch
        self.consumer_options = consumer_options or {}
        self.client_options = dict(client_options or {})  # security: sc_core.kafka
        self._routes: dict[str, _Route] = {}
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self.running = False
        self.carrier: EventConsumer | None = None  # the shared member carrying this feed
        self.parked: ParkedFetches | None = None  # its client's fetches, kept apart

    # registration -----------------------------------------------------------------
    @overload
    def on(
        self, event: type[M], *, envelope: Literal[False] = False
    ) -> Callable[[TypedHandler[M]], TypedHandler[M]]: ...

    @overload
    def on(
        self, event: type[M], *, envelope: Literal[True]
    ) -> Callable[[EnvelopeHandler[M]], EnvelopeHandler[M]]: ...

    def on(self, event: type[EventData], *, envelope: bool = False) -> Any:
        """Register the handler of one event type by its contract model: the handler gets
        the decoded model and the unit of work (``envelope=True`` adds the
        :class:`Envelope`). The model's topic is subscribed to (through ``topic_for``)
        unless it is there already."""
        if self.db is None:
            raise RuntimeError(f"consumer {self.name}: handlers need a database (the inbox)")
        topic = self.topic_for(event.topic)
        if topic not in self.topics:
            self.topics.append(topic)

        def register(handler: Any) -> Any:
            self._routes[event.event_type] = _Route(handler, event, envelope)
            return handler

        return register

    # lifecycle --------------------------------------------------------------------
    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run_forever(), name=f"consumer-{self.name}")
        self._task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        if self._stopping.is_set():
            return
        reason = "cancelled" if task.cancelled() else repr(task.exception())
        log.error("consumer %s ended while the service runs: %s", self.name, reason)

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._close_consumer()

    async def _close_consumer(self) -> None:
        if self._consumer is not None:
            consumer, self._consumer = self._consumer, None
            with contextlib.suppress(Exception):
                await bounded(consumer.stop(), CLIENT_STEP_SECONDS)
        self.running = False

    async def _run_forever(self) -> None:
        backoff = Backoff(first=0.5, cap=10.0)
        while not self._stopping.is_set():
            try:
                await self._connect()
                backoff.reset()
                await self._poll_loop()
            except asyncio.CancelledError:
                if self._stopping.is_set() or cancelled_from_outside():
                    raise
                # a client step's own future was cancelled (not this task): carry on, or
                # the consumer would end without a word
                log.warning("consumer %s: a client step was cancelled; reconnecting", self.name)
                await self._close_consumer()
                await asyncio.sleep(backoff.upcoming)
            except Exception as exc:
                wait = backoff.delay()
                log.warning("consumer %s: %r; reconnecting in %.1fs", self.name, exc, wait)
                await self._close_consumer()
                await asyncio.sleep(wait)

    async def _connect(self) -> None:
        if not self.topics:
            raise RuntimeError(f"consumer {self.name} subscribes to no topic")
        options: dict[str, Any] = {
            **self.client_options,
            "bootstrap_servers": self.bootstrap_servers,
            "group_id": self.group_id,
            "client_id": self.name,
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest",
            "max_poll_records": self.max_batch,
            # idle, its fetch waits at the broker for the long poll (ADR 0067)
            **idle_options(),
        }
        options.update(self.consumer_options)
        consumer = AIOKafkaConsumer(**options)
        self.parked = ParkedFetches().watch(consumer)
        consumer.subscribe(self.topics, listener=self.parked)
        await start_client(consumer)
        self._consumer = consumer
        self.running = True

    async def _poll_loop(self) -> None:
        assert self._consumer is not None
        watch = StallWatch(self.name, STALL_SECONDS)
        while not self._stopping.is_set():
            batches = await watch.poll(
                self._consumer, timeout_ms=POLL_TIMEOUT_MS, max_records=self.max_batch
            )
            if not batches:
                continue
            await self._process_poll(batches)
            failpoints.hit("consumer.after_db_commit")
            offsets = {tp: msgs[-1].offset + 1 for tp, msgs in batches.items()}
            try:
                await bounded(self._consumer.commit(offsets), STALL_SECONDS)
            except CommitFailedError as exc:  # rebalanced meanwhile: redelivery is harmless
                log.info("consumer %s: commit after rebalance failed: %s", self.name, exc)

    async def _process_poll(
        self, batches: dict[TopicPartition, list[ConsumerRecord[Any, Any]]]
    ) -> None:
        """Handle one poll's records: the partitions side by side, each in order."""
        await asyncio.gather(*(self._process_partition(msgs) for msgs in batches.values()))

    async def _process_partition(self, messages: list[ConsumerRecord[Any, Any]]) -> None:
        for msg in messages:
            await self.process(msg)

    # processing -------------------------------------------------------------------
    async def process(self, msg: ConsumerRecord[Any, Any]) -> None:
        headers = list(msg.headers or [])
        try:
            envelope = Envelope.from_headers(headers)
            route = self._routes.get(envelope.type)
            if route is None:
                CONSUMED.labels(self.name, msg.topic, "ignored").inc()
                return
            call = self._call(route, envelope, msg.value)
        except InvalidEvent as exc:  # not an event, or data that does not fit its model
            await self._dead_letter(msg, exc, attempts=0)
            return
        ctx = context_from_headers(headers)
        with tracer.start_as_current_span(
            f"{msg.topic} process",
            context=ctx,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": msg.topic,
                "messaging.operation.type": "process",
                "messaging.message.id": envelope.id,
                "messaging.consumer.group.name": self.group_id,
                "messaging.kafka.offset": msg.offset,
                "cloudevents.event_type": envelope.type,
            },
        ) as span:
            last: BaseException | None = None
            backoff = Backoff(self.retry_backoff, cap=self.retry_backoff * 2**self.max_retries)
            attempt = 0
            while attempt <= self.max_retries:
                attempt += 1
                try:
                    outcome = await self._handle_once(envelope.id, msg.topic, call)
                    CONSUMED.labels(self.name, msg.topic, outcome).inc()
                    return
                except Exception as exc:
                    last = exc
                    log.warning(
                        "consumer %s: %s %s failed (attempt %d): %s",
                        self.name,
                        envelope.type,
                        envelope.id,
                        attempt,
                        ": ".join(dlq_reason(exc)),  # never the statement or its values
                    )
                    if refused(exc):  # the message's own fault: retrying cannot help
                        break
                    if attempt <= self.max_retries:
                        await backoff.sleep()
            assert last is not None
            span.set_status(Status(StatusCode.ERROR, ": ".join(dlq_reason(last))))
            await self._dead_letter(msg, last, attempts=attempt)

    @property
    def event_types(self) -> list[str]:
        """The event types this consumer has a handler for."""
        return list(self._routes)

    async def handle_event(self, event: CloudEvent, *, topic: str = "direct") -> str:
        """Run this consumer's handler for ``event`` as a message from ``topic`` would be
        run (decoded as its model, inbox row and effect in one unit of work) but without
        the broker, the retries or the DLQ: what the handler raises comes out. For tests
        (``sc_core.bus.testing``) and tools. ``processed``, ``duplicate`` or ``ignored``."""
        envelope = event.envelope
        route = self._routes.get(envelope.type)
        if route is None:
            return "ignored"
        return await self._handle_once(
            envelope.id, topic, self._call(route, envelope, event.body())
        )

    @staticmethod
    def _call(
        route: _Route, envelope: Envelope, value: bytes | None
    ) -> Callable[[UnitOfWork], Awaitable[None]]:
        """The handler bound to this message's decoded data (raises InvalidEvent)."""
        data = decode_data(value, route.model)
        if route.envelope:
            return lambda uow: route.handler(data, uow, envelope)
        return lambda uow: route.handler(data, uow)

    async def _handle_once(
        self, event_id: str, topic: str, call: Callable[[UnitOfWork], Awaitable[None]]
    ) -> str:
        if self.db is None:  # no handler can be registered without one (``on``)
            raise RuntimeError(f"consumer {self.name}: no database")
        inbox = self.db.tables.inbox
        async with self.db.uow() as uow:
            first_time = (
                await uow.session.execute(
                    insert(inbox)
                    .values(consumer=self.name, event_id=event_id, topic=topic)
                    .on_conflict_do_nothing()
                    .returning(inbox.c.event_id)
                )
            ).first()
            if first_time is None:
                return "duplicate"
            await call(uow)
            if not uow.committed:
                await uow.commit()
        return "processed"

    async def _dead_letter(
        self, msg: ConsumerRecord[Any, Any], error: BaseException, *, attempts: int
    ) -> None:
        await send_to_dlq(self.dlq_producer, msg, error, consumer=self.name, attempts=attempts)
        CONSUMED.labels(self.name, msg.topic, "dead_lettered").inc()

    @property
    def alive(self) -> bool:
        """The consumer's task runs (it reconnects on every error; it ends only when stopped);
        a feed carried by a shared member (ADR 0070) is alive when that member is."""
        if self.carrier is not None:
            return self.carrier.alive
        return self._task is not None and not self._task.done()

    async def assignment(self) -> set[TopicPartition]:
        if self.carrier is not None:
            return await self.carrier.assignment()
        return set(self._consumer.assignment()) if self._consumer else set()
