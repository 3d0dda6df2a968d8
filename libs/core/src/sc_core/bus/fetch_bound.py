"""How long a batch consumer's fetch waits at the broker: its own bound while batches
arrive, the broker's long poll once a poll came back empty (issue 28, ADR 0062).

A consumer that wants fuller batches under load asks the broker to hold each fetch until
``fetch_min_bytes`` are there or ``fetch_max_wait_ms`` has passed (the alarm evaluator:
64 KiB or 20 ms; each batch is one transaction, so fewer, fuller fetches cost less). Idle,
that bound makes the broker answer an empty fetch every 20 ms: 50 a second, for nothing.

:class:`FetchBound` turns such a consumer's fetches to the long poll (one byte /
:data:`~sc_core.bus.long_poll.LONG_POLL_MS`, ADR 0067; 500 ms before) once a poll
brought nothing for the whole poll timeout. A record that arrives then completes the
waiting fetch at once (one byte is enough), so the first reading after a quiet spell is
answered sooner than under the busy bound, and the busy bound is back from the fetch after
the first poll that brought records. aiokafka builds each fetch request from its fetcher's
``_fetch_min_bytes`` and ``_fetch_max_wait_ms`` (aiokafka 0.14; no public setter), so the
switch takes effect from the next fetch sent; a fetcher without them is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sc_core.bus.long_poll import LONG_POLL_MS, set_fetch_wait

IDLE_MIN_BYTES = 1
IDLE_MAX_WAIT_MS = LONG_POLL_MS
"""The idle bound: the long poll every other consumer of the platform uses."""


class FetchBound:
    """The fetch bound of one consumer: ``busy`` (its options) or the idle long poll."""

    def __init__(self, min_bytes: int = IDLE_MIN_BYTES, max_wait_ms: int = IDLE_MAX_WAIT_MS):
        self.busy = (min_bytes, max_wait_ms)
        # only a consumer that waits less than the long poll has anything to save
        self.adapts = max_wait_ms < IDLE_MAX_WAIT_MS
        self.idle = False

    @classmethod
    def of(cls, options: Mapping[str, Any]) -> FetchBound:
        """The bound of a consumer made with ``options`` (aiokafka's keyword arguments)."""
        return cls(
            int(options.get("fetch_min_bytes", IDLE_MIN_BYTES)),
            int(options.get("fetch_max_wait_ms", IDLE_MAX_WAIT_MS)),
        )

    @property
    def current(self) -> tuple[int, int]:
        """(fetch_min_bytes, fetch_max_wait_ms) of the fetches sent from now on."""
        return (IDLE_MIN_BYTES, IDLE_MAX_WAIT_MS) if self.idle else self.busy

    def after_poll(self, consumer: Any, got_records: bool) -> None:
        """Called after each poll: records keep (or bring back) the busy bound, an empty
        poll switches to the idle one."""
        if not self.adapts or self.idle != got_records:
            return  # no change
        self.idle = not got_records
        set_fetch_wait(consumer, *self.current)
