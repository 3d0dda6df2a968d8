"""Carrying a service's feeds from one consumer group each to one shared group (ADR 0070).

Before ADR 0070 each feed of a service was its own consumer group,
``<consumer group>.<feed>``; now the feeds share ``<consumer group>.feeds``. A group's name
is its committed offsets, so a deployed platform moving over would read every topic again
(``earliest``) or skip what came while it was stopped. Before the shared group first
joins, :func:`carry_over`:

- reads the old groups' committed offsets (the admin client's ``OffsetFetch``);
- for each partition the shared group has not committed yet (all of them the first time;
  a topic that a newly carried batch consumer reads, ADR 0083), commits for it the lowest
  offset of the old groups of the feeds reading that topic: every feed finds there the
  first record it has not handled. A partition that one of those feeds never committed
  is left to the reset policy (``earliest``), which is where that feed's own group would
  have started;
- returns each feed's own old offsets: the feed skips the records below them (its old group
  handled those), so no feed sees an event twice even when the inbox has been pruned.

Committing for a group that has not joined: a client with that ``group_id``, its partitions
assigned by hand, ``commit(offsets)`` (what ``sc_core.bus.rewind`` does). The broker refuses
such a commit while the group has members, so a replica that starts while another already
consumes cannot move the shared group back; that replica goes on without seeding (the
members commit for the group, and each feed still skips below its own old offsets).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from aiokafka.structs import OffsetAndMetadata

from sc_core.bus.steps import bounded

log = logging.getLogger(__name__)

STEP_SECONDS = 30.0
"""Longest one step (connect, read a group's offsets, commit) may take."""

Offsets = dict[TopicPartition, int]


async def committed(admin: AIOKafkaAdminClient, group: str) -> Offsets:
    """The offsets ``group`` has committed (none for a group that never existed)."""
    found = await bounded(admin.list_consumer_group_offsets(group), STEP_SECONDS)
    return {tp: meta.offset for tp, meta in found.items() if meta.offset >= 0}


def seed_offsets(feeds: Mapping[str, Sequence[str]], old: Mapping[str, Offsets]) -> Offsets:
    """Per partition of the feeds' topics: the lowest old offset, when every feed reading
    that topic committed one there (``feeds``: old group -> topics it reads)."""
    readers: dict[str, list[str]] = {}
    for group, topics in feeds.items():
        for topic in topics:
            readers.setdefault(topic, []).append(group)
    partitions = {tp for offsets in old.values() for tp in offsets if tp.topic in readers}
    seed: Offsets = {}
    for tp in partitions:
        values = [old.get(group, {}).get(tp) for group in readers[tp.topic]]
        if all(v is not None for v in values):
            seed[tp] = min(v for v in values if v is not None)
    return seed


async def commit_for(
    bootstrap: str, group: str, offsets: Offsets, client_options: Mapping[str, Any]
) -> None:
    """Commit ``offsets`` for ``group`` without joining it."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        **dict(client_options),
    )
    await bounded(consumer.start(), STEP_SECONDS)
    try:
        consumer.assign(list(offsets))
        await bounded(
            consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in offsets.items()}),
            STEP_SECONDS,
        )
    finally:
        await bounded(consumer.stop(), STEP_SECONDS)


async def carry_over(
    bootstrap: str,
    group: str,
    feeds: Mapping[str, Sequence[str]],
    *,
    client_options: Mapping[str, Any] | None = None,
) -> dict[str, Offsets]:
    """Seed ``group``'s uncommitted partitions from the old groups of ``feeds`` (old group
    -> its topics); each old group's offsets on its topics (what its feed skips)."""
    options = dict(client_options or {})
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **options)
    await bounded(admin.start(), STEP_SECONDS)
    try:
        old: dict[str, Offsets] = {}
        for old_group, topics in feeds.items():
            offsets = await committed(admin, old_group)
            old[old_group] = {tp: o for tp, o in offsets.items() if tp.topic in topics}
        ours = await committed(admin, group)
    finally:
        await admin.close()
    seed = {tp: o for tp, o in seed_offsets(feeds, old).items() if tp not in ours}
    if seed:
        try:
            await commit_for(bootstrap, group, seed, options)
        except KafkaError as exc:  # the group has members now: theirs are the offsets
            log.info("group %s: not seeded, it has members (%r)", group, exc)
        else:
            log.info(
                "group %s: seeded %d partitions from %d old groups",
                group,
                len(seed),
                sum(1 for o in old.values() if o),
            )
    return old
