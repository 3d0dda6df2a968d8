"""Waiting between attempts: one exponential backoff for every loop that retries.

Every loop of the platform that tries again (a consumer reconnecting, a batch retried
while the database is away, a dead letter that must reach its topic, the outbox relay
while the broker is away, the MQTT bridge) waits the same way::

    backoff = Backoff(first=0.5, cap=10.0)
    while True:
        try:
            await connect()
            backoff.reset()          # a success starts the next failure from ``first``
            ...
        except Exception:
            await backoff.sleep()    # 0.5, 1, 2, 4, 8, 10, 10 ...

``delay()`` returns the next wait without sleeping, for a loop that waits on something
else (an event that may end the wait early). The delays are deterministic: tests and
logs see the same sequence every run.
"""

from __future__ import annotations

import asyncio


class Backoff:
    """Delays of ``first * factor**n`` seconds, at most ``cap``, for successive failures."""

    def __init__(self, first: float = 0.2, cap: float = 5.0, factor: float = 2.0) -> None:
        if first < 0 or cap < first or factor < 1:
            raise ValueError("Backoff needs 0 <= first <= cap and factor >= 1")
        self.first = first
        self.cap = cap
        self.factor = factor
        self._next = first
        self.failures = 0

    def delay(self) -> float:
        """The wait after one more failure (and count it)."""
        wait = self._next
        self._next = min(self._next * self.factor, self.cap)
        self.failures += 1
        return wait

    async def sleep(self) -> float:
        """Wait the next delay; returns it (for the log line)."""
        wait = self.delay()
        await asyncio.sleep(wait)
        return wait

    def reset(self) -> None:
        """After a success: the next failure waits ``first`` again."""
        self._next = self.first
        self.failures = 0

    @property
    def upcoming(self) -> float:
        """The wait the next failure will get (for a log line written before sleeping)."""
        return self._next
