"""How long an idle consumer waits, at the broker and in its own loop (issue 28, ADR 0067).

A consumer that has nothing to read still costs: each empty fetch the broker answers
(~0.5 ms of the broker's CPU, ADR 0062), and each time the client's own loops wake up to
find nothing (aiokafka's fetcher routine every ``consumer_timeout_ms``, the poll loop
every poll timeout). With ~45 consumers on one broker at aiokafka's defaults (500 ms,
200 ms) that was the idle platform's largest cost.

- ``fetch_max_wait_ms`` :data:`LONG_POLL_MS`: an idle fetch waits at the broker this long.
  A record that arrives meanwhile completes it at once (``fetch_min_bytes`` 1), so it
  costs no latency. What it can delay: a request on the same connection sent while a
  fetch is parked (Kafka answers one request per connection at a time), i.e. the first
  fetch after a rebalance or a seek, and ``end_offsets``. Group coordination (join,
  heartbeats, commits) has its own connection and is not delayed. aiokafka's
  ``request_timeout_ms`` (40 s) is far above it.
- :data:`FOLLOWER_LONG_POLL_MS`: the long poll of a group-less follower once it follows
  (the revocation feed every process reads, device-ingestion's MQTT downlinks). Nothing
  else waits on its fetch connection: it never rebalances and keeps no stall watch, and
  the one other request it sends there, aiokafka's metadata refresh every 5 minutes,
  loses nothing by waiting. A record still completes the parked fetch at once. Twelve of
  the idle stack's 28 fetchers are followers: at 3 s they were 4 of the broker's 15
  requests a second (ADR 0081). It stays well under aiokafka's ``request_timeout_ms``
  (40 s), which bounds every request on that connection.
- ``consumer_timeout_ms`` :data:`FETCHER_WAKE_MS`: aiokafka's fetcher routine looks again
  at least this often; every event it acts on (a fetch done, records consumed, a seek, a
  new assignment) wakes it anyway, so this is only its safety net.
- :data:`POLL_TIMEOUT_MS`: the consumer's own ``getmany`` bound; ``getmany`` returns as
  soon as records are there and stopping cancels the task, so it only sets how often an
  idle loop runs its checks (the stall watch, the lag gauge).

:func:`set_fetch_wait` changes a running consumer's fetch bound (the revocation follower
starts with the short one, so that ``offsets_for_times`` at start does not queue behind a
parked fetch, and switches once it follows; the batch consumers' :mod:`fetch_bound`).
"""

from __future__ import annotations

from typing import Any

LONG_POLL_MS = 3000
FOLLOWER_LONG_POLL_MS = 20_000
FETCHER_WAKE_MS = 1000
POLL_TIMEOUT_MS = 1000
SHORT_WAIT_MS = 500
"""aiokafka's default fetch wait: for a client's start, before it follows."""


def idle_options() -> dict[str, Any]:
    """aiokafka consumer keyword arguments of an ordinary (not batch-tuned) consumer."""
    return {"fetch_max_wait_ms": LONG_POLL_MS, "consumer_timeout_ms": FETCHER_WAKE_MS}


def set_fetch_wait(consumer: Any, min_bytes: int, max_wait_ms: int) -> bool:
    """Make the fetches ``consumer`` sends from now on ask for ``min_bytes`` or
    ``max_wait_ms``. aiokafka builds each fetch from its fetcher's ``_fetch_min_bytes`` and
    ``_fetch_max_wait_ms`` (0.14; no public setter); False when a fetcher without them
    (another version) is left alone. ``libs/core/tests/test_kafka_fetch_bound.py`` and
    ``test_kafka_long_poll.py`` prove it on the real broker."""
    fetcher = getattr(consumer, "_fetcher", None)
    if fetcher is None or not hasattr(fetcher, "_fetch_max_wait_ms"):
        return False
    fetcher._fetch_min_bytes, fetcher._fetch_max_wait_ms = min_bytes, max_wait_ms
    return True
