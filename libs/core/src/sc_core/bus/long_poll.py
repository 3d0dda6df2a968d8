"""How long an idle consumer waits, at the broker and in its own loop (issue 28, ADR 0067).

A consumer that has nothing to read still costs: each empty fetch the broker answers
(~0.5 ms of the broker's CPU, ADR 0062), and each time the client's own loops wake up to
find nothing (aiokafka's fetcher routine every ``consumer_timeout_ms``, the poll loop
every poll timeout). With ~45 consumers on one broker at aiokafka's defaults (500 ms,
200 ms) that was the idle platform's largest cost.

- ``fetch_max_wait_ms`` :data:`LONG_POLL_MS`: an idle fetch waits at the broker this long.
  A record that arrives meanwhile completes it at once (``fetch_min_bytes`` 1), so it
  costs no latency. What it could delay is a request on the same connection sent while a
  fetch is parked (Kafka answers one request per connection at a time): metadata,
  ``end_offsets``, the first fetch after a rebalance or of a partition whose leader
  moved. :class:`ParkedFetches` keeps all of them from waiting (fetches on connections of
  their own, dropped when a rebalance or a leader move needs a fetch at once; ADR 0084),
  which let the long poll grow from 3 s to 15 s: the idle stack's 13 group members sent
  4.3 of the broker's 9.7 requests a second at 3 s. Group coordination (join,
  heartbeats, commits) has its own connection. aiokafka's ``request_timeout_ms`` (40 s)
  is far above it. A seek's first fetch (none in the services' running consumers) can
  still wait out a parked one.
- :data:`FOLLOWER_LONG_POLL_MS`: the long poll of a group-less follower once it follows
  (the revocation feed every process reads, device-ingestion's MQTT downlinks): it never
  rebalances and keeps no stall watch. Watched by :class:`ParkedFetches` too, so its
  metadata does not wait behind the parked fetch and a partition whose leader moved is
  fetched at once (before ADR 0084 that waited up to twice the long poll on a lost
  broker). A record still completes the parked fetch at once. Twelve of
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
starts with the short one, so that its first fetch from the positions it sets at start
does not wait out a long one still in flight, and switches once it follows; the batch
consumers' :mod:`fetch_bound`).
"""

from __future__ import annotations

import logging
from typing import Any

from aiokafka import ConsumerRebalanceListener, TopicPartition
from aiokafka.client import ConnectionGroup
from aiokafka.conn import CloseReason
from aiokafka.protocol.fetch import FetchRequest

log = logging.getLogger(__name__)

LONG_POLL_MS = 15_000
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


FETCH_CONNECTIONS = "fetch"
"""The connection group of a consumer's fetches (aiokafka keys its client's connections by
``(node, group)``: ``ConnectionGroup.DEFAULT`` for metadata, offsets and fetches alike,
``COORDINATION`` for the group's)."""


def drop_parked_fetches(consumer: Any) -> int:
    """Close ``consumer``'s fetch connections (:data:`FETCH_CONNECTIONS`), failing the
    fetches parked on them; the fetcher's next fetch opens a new one at once. How many were
    closed; 0 for a client without them."""
    conns = getattr(getattr(consumer, "_client", None), "_conns", None)
    if not isinstance(conns, dict):
        return 0
    dropped = 0
    for key, conn in list(conns.items()):
        if isinstance(key, tuple) and key[1:] == (FETCH_CONNECTIONS,) and conn.connected():
            conn.close(reason=CloseReason.IDLE_DROP)
            dropped += 1
    return dropped


class ParkedFetches(ConsumerRebalanceListener):
    """Keeps a consumer's parked fetches from holding back anything that must go out now
    (ADR 0084). A broker answers one request per connection at a time, and aiokafka sends
    one fetch per broker at a time, so behind a fetch parked for the long poll would wait:

    - every other request aiokafka sends on the same connection (metadata, ``end_offsets``
      of the stall watch, offset lookups): :meth:`watch` routes the client's fetches to
      connections of their own (:data:`FETCH_CONNECTIONS`), so only fetches ride them;
    - the first fetch of a new assignment (a rebalance): from the second assignment on,
      ``on_partitions_assigned`` drops the parked fetches (aiokafka calls it after setting
      the new assignment and before its fetcher can fetch it);
    - the fetch of a partition whose leader moved to a broker holding a parked fetch for
      other partitions (a broker lost or restarted): each metadata update is compared with
      the leaders seen before, and a move drops the parked fetches.

    Dropping closes the fetch connections (:func:`drop_parked_fetches`); the fetcher sends
    its fetches again at once. A group-less follower is watched the same way (no
    rebalance). aiokafka 0.14's private client (``send``, ``_conns``, ``cluster``): a
    client without them is left as it is (the fetches then share the connection, as before)."""

    def __init__(self) -> None:
        self.consumer: Any = None
        self.apart = False  # fetches on their own connections
        self.assigned_before = False
        self.dropped = 0  # fetch connections closed so far (tests, logs)
        self._leaders: dict[TopicPartition, int | None] = {}

    def watch(self, consumer: Any) -> ParkedFetches:
        """Route ``consumer``'s fetches apart and follow its metadata; before it starts."""
        self.consumer = consumer
        client: Any = getattr(consumer, "_client", None)
        send = getattr(client, "send", None)
        cluster = getattr(client, "cluster", None)
        if send is None or not hasattr(client, "_conns") or cluster is None:
            return self

        async def routed(
            node_id: Any, request: Any, *, group: Any = ConnectionGroup.DEFAULT
        ) -> Any:
            if isinstance(request, FetchRequest) and group == ConnectionGroup.DEFAULT:
                group = FETCH_CONNECTIONS
            return await send(node_id, request, group=group)

        client.send = routed
        cluster.add_listener(self.on_metadata)
        self.apart = True
        return self

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        if self.assigned_before:
            self._drop("a new assignment")
        self.assigned_before = True
        self._leaders = self._leaders_of(assigned)

    def on_metadata(self, cluster: Any) -> None:
        """aiokafka's cluster listener, called after each metadata update."""
        try:
            assigned = set(self.consumer.assignment())
        except Exception:  # stopping, or not subscribed yet: nothing is fetched
            return
        leaders = self._leaders_of(assigned, cluster)
        moved = [tp for tp, lead in leaders.items() if self._leaders.get(tp, lead) != lead]
        self._leaders = leaders
        if moved:
            self._drop(f"{len(moved)} partitions with a new leader")

    def _leaders_of(
        self, assigned: set[TopicPartition], cluster: Any = None
    ) -> dict[TopicPartition, int | None]:
        if cluster is None:
            cluster = getattr(getattr(self.consumer, "_client", None), "cluster", None)
        if cluster is None:
            return {}
        return {tp: cluster.leader_for_partition(tp) for tp in assigned}

    def _drop(self, why: str) -> None:
        if not self.apart:
            return
        dropped = drop_parked_fetches(self.consumer)
        if dropped:
            self.dropped += dropped
            log.debug("dropped %d parked fetch connections: %s", dropped, why)
