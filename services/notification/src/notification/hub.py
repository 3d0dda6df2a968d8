"""Fan-out to the open streams of this replica, driven by PostgreSQL LISTEN/NOTIFY.

Whatever writes an inbox message or an alarm feed entry issues ``NOTIFY
notification_stream, 'inbox:<user id>'`` (or ``'alarm:<community id>'``) in the same
transaction; every replica listens on one asyncpg connection and wakes the streams the
payload concerns, which then read their new rows from the database. The database stays
the one source of truth: a missed wake-up costs at most one heartbeat interval, and a
reconnected listener wakes every stream to catch up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict

import asyncpg
from sqlalchemy.engine import make_url

from notification.channels.inapp import STREAM_CHANNEL

log = logging.getLogger(__name__)
ALARM_KEY = "alarm"


def asyncpg_dsn(database_url: str) -> str:
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class StreamHub:
    def __init__(self, database_url: str) -> None:
        self.dsn = asyncpg_dsn(database_url)
        self._subscribers: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()

    # subscriptions ------------------------------------------------------------------
    def subscribe(self, keys: list[str]) -> asyncio.Event:
        event = asyncio.Event()
        for key in keys:
            self._subscribers[key].add(event)
        return event

    def unsubscribe(self, keys: list[str], event: asyncio.Event) -> None:
        for key in keys:
            subscribers = self._subscribers.get(key)
            if subscribers is not None:
                subscribers.discard(event)
                if not subscribers:
                    del self._subscribers[key]

    def dispatch(self, payload: str) -> None:
        kind, _, _ = payload.partition(":")
        key = ALARM_KEY if kind == "alarm" else payload
        for event in self._subscribers.get(key, ()):
            event.set()

    def wake_all(self) -> None:
        for subscribers in self._subscribers.values():
            for event in subscribers:
                event.set()

    @property
    def streams(self) -> int:
        return len({id(e) for subs in self._subscribers.values() for e in subs})

    # listener -----------------------------------------------------------------------
    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="notification-listen")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen_forever(self) -> None:
        backoff = 0.5
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self.dsn)
                closed = asyncio.Event()
                conn.add_termination_listener(lambda _c, ev=closed: ev.set())
                await conn.add_listener(
                    STREAM_CHANNEL, lambda _c, _pid, _channel, payload: self.dispatch(payload)
                )
                self.listening.set()
                backoff = 0.5
                self.wake_all()  # catch up on anything written while not listening
                while not closed.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(closed.wait(), 30)
                    if not closed.is_set():
                        await conn.execute("SELECT 1")  # notices a dead connection
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("stream listener: %s; reconnecting in %.1fs", exc, backoff)
            finally:
                self.listening.clear()
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=2)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)
