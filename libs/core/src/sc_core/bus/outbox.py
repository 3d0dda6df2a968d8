"""Transactional outbox: events are rows written with the business change; a relay
publishes them and marks them sent.

The relay holds a transaction-scoped advisory lock while it publishes a batch, so only
one relay of a service publishes at a time and order by ``seq`` is kept. When the broker
is away, the batch's transaction rolls back, the rows stay unsent, and the relay retries
with backoff until the broker answers again; nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from typing import Any

from prometheus_client import Counter, Gauge
from sqlalchemy import (
    BigInteger,
    Boolean,
    LargeBinary,
    String,
    column,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB

from sc_core import failpoints
from sc_core.bus.cloudevents import CloudEvent
from sc_core.bus.producer import ProducerHandle
from sc_core.bus.tracing import current_trace_headers
from sc_core.db.engine import Database
from sc_core.retry import Backoff

log = logging.getLogger(__name__)

PUBLISHED = Counter("outbox_published_total", "Outbox events published", ["app_service"])
PUBLISH_FAILURES = Counter(
    "outbox_publish_failures_total", "Outbox batches that failed", ["app_service"]
)
PENDING = Gauge("outbox_pending", "Outbox events not yet published (last seen)", ["app_service"])


def outbox_row(topic: str, event: CloudEvent, *, key: str | None = None) -> dict[str, Any]:
    headers = {name: value.decode() for name, value in event.headers()}
    for name, value in current_trace_headers().items():
        headers.setdefault(name, value)
    return {
        "event_id": event.id,
        "topic": topic,
        "key": key if key is not None else event.subject,
        "headers": headers,
        "payload": event.body(),
    }


LOCK_AND_SELECT = text(
    "SELECT l.got, o.seq, o.topic, o.key, o.headers, o.payload"
    " FROM (SELECT pg_try_advisory_xact_lock(:key) AS got) AS l"
    " LEFT JOIN LATERAL (SELECT seq, topic, key, headers, payload FROM event_outbox"
    " WHERE l.got AND sent_at IS NULL ORDER BY seq LIMIT :n) AS o ON true"
    " ORDER BY o.seq"
).columns(
    column("got", Boolean),
    column("seq", BigInteger),
    column("topic", String),
    column("key", String),
    column("headers", JSONB),
    column("payload", LargeBinary),
)
"""The relay's advisory lock (transaction-scoped) and, only if it got it, the oldest
unsent events: always at least one row, whose ``got`` says whether the lock was taken."""


class OutboxRelay:
    def __init__(
        self,
        db: Database,
        producer: ProducerHandle,
        *,
        service: str,
        batch_size: int = 500,
        poll_interval: float = 0.1,
        idle_poll_interval: float = 2.0,
        max_backoff: float = 5.0,
        publish_timeout: float = 10.0,
        keep_sent_seconds: int = 24 * 3600,
    ) -> None:
        self.db = db
        self.producer = producer
        self.service = service
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.idle_poll_interval = max(idle_poll_interval, poll_interval)
        self.max_backoff = max_backoff
        self.publish_timeout = publish_timeout
        self.keep_sent_seconds = keep_sent_seconds
        self.lock_key = zlib.crc32(f"outbox:{service}".encode())
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock_busy = False
        self.healthy = True
        db.on_commit(self.wake)

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self.run(), name=f"outbox-relay-{self.service}")

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run(self) -> None:
        """Publish until stopped. A commit of this process wakes the relay at once; the
        polls in between find what other processes wrote, every ``poll_interval`` while
        there is work (or another replica holds the lock) and, when a poll finds nothing,
        ever less often, up to ``idle_poll_interval``: an idle service does not query its
        outbox ten times a second (issue 28: the idle stack). A failed publish waits with
        :class:`sc_core.retry.Backoff`."""
        backoff = Backoff(first=self.poll_interval, cap=max(self.max_backoff, self.poll_interval))
        idle = self.poll_interval
        cleaned = 0.0
        loop = asyncio.get_running_loop()
        while not self._stopping.is_set():
            # cleared BEFORE reading the outbox: a commit that lands while this batch is
            # being published wakes the next round at once (clearing it after the batch
            # lost that wake-up, and the new rows waited a whole poll interval)
            self._wake.clear()
            try:
                sent = await self.publish_batch()
                self.healthy = True
                backoff.reset()
                if loop.time() - cleaned > 60:
                    await self.delete_old_sent()
                    cleaned = loop.time()
                if sent >= self.batch_size:
                    continue
                if sent or self._lock_busy:
                    idle = self.poll_interval
                else:
                    idle = min(idle * 2, self.idle_poll_interval)
            except Exception as exc:
                self.healthy = False
                await self.producer.abandon()  # the next attempt starts a fresh producer
                PUBLISH_FAILURES.labels(self.service).inc()
                wait = backoff.delay()
                log.warning("outbox relay: publish failed (%s); retrying in %.1fs", exc, wait)
                self._wake.clear()  # back off (a new commit still wakes it early)
                await self._sleep(wait)
                continue
            if await self._sleep(idle):
                idle = self.poll_interval  # woken by a commit: work is about

    async def _sleep(self, seconds: float) -> bool:
        """Wait ``seconds`` or until woken; True when woken."""
        try:
            await asyncio.wait_for(self._wake.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def publish_batch(self) -> int:
        """Publish up to one batch of unsent events; returns how many were sent."""
        outbox = self.db.tables.outbox
        async with self.db.engine.connect() as conn, conn.begin():
            # the lock and the batch in one round trip (this is on every event's path)
            found = (
                await conn.execute(LOCK_AND_SELECT, {"key": self.lock_key, "n": self.batch_size})
            ).all()
            self._lock_busy = not found[0].got
            if self._lock_busy:  # another relay of this service is publishing
                return 0
            rows = [r for r in found if r.seq is not None]
            if not rows:
                PENDING.labels(self.service).set(0)
                return 0
            producer = await asyncio.wait_for(self.producer.get(), self.publish_timeout)

            async def send_all() -> None:
                futures = []
                for row in rows:
                    headers = [(k, str(v).encode()) for k, v in row.headers.items()]
                    key = row.key.encode() if row.key is not None else None
                    futures.append(
                        await producer.send(row.topic, value=row.payload, key=key, headers=headers)
                    )
                await asyncio.gather(*futures)

            # One bound over queueing and acknowledgement: after a whole-cluster restart,
            # aiokafka's send() itself can wait forever (metadata, producer id); the
            # caller then abandons the producer and the next attempt starts a fresh one.
            await asyncio.wait_for(send_all(), self.publish_timeout)
            failpoints.hit("outbox.after_publish")
            await conn.execute(
                update(outbox)
                .where(outbox.c.seq.in_([r.seq for r in rows]))
                .values(sent_at=func.now())
            )
        PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    async def pending(self) -> int:
        outbox = self.db.tables.outbox
        async with self.db.engine.connect() as conn:
            count = await conn.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
            )
        PENDING.labels(self.service).set(count or 0)
        return int(count or 0)

    async def delete_old_sent(self) -> None:
        outbox = self.db.tables.outbox
        async with self.db.engine.begin() as conn:
            await conn.execute(
                delete(outbox).where(
                    outbox.c.sent_at
                    < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, self.keep_sent_seconds)
                )
            )
