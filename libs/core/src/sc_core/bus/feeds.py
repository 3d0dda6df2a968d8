"""One consumer group member for all of a service's plain feeds (ADR 0070).

A *feed* is what ``runtime.consumer(name=...)`` returns: an :class:`EventConsumer` whose
``.on(Model)`` registers handlers under the feed's name. Each idle group member costs the
broker heartbeats and parked fetches (ADR 0069), so a service no longer runs one member per
feed: :class:`FeedGroup` is one client, in group ``<consumer group>.feeds``, subscribed to
the union of its feeds' topics. Each record goes to every feed that reads its topic; each
feed handles it as it always did (:meth:`EventConsumer.process`): its own unit of work, its
own inbox row ``(feed, event_id)``, its own retries and dead letter, its own metrics.

Order and head of line: within one partition each feed takes the records in order, and the
feeds of a partition run side by side, so a feed retrying a record holds back neither the
other feeds' effects nor their next records of the poll. The offsets of a poll are committed
once every feed has handled (or dead-lettered) every record of it; the next poll waits for
the slowest feed of this one (at most its retries' backoff, ~1.4 s with the defaults, before
the dead letter) where, with one group per feed, only that feed's group waited.

Feeds with options of their own (their own ``group_id``, client options, another batch
size) and batch consumers stay members of their own (``Runtime.members``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition

from sc_core.bus.consumer import CONSUMED, EventConsumer
from sc_core.bus.group_migration import Offsets, carry_over

log = logging.getLogger(__name__)

GROUP_SUFFIX = "feeds"
"""The shared group is ``<consumer group>.feeds``; no feed is named so."""


class FeedGroup(EventConsumer):
    """One Kafka consumer (one group member) carrying ``feeds``; started and stopped in
    their place. Its own routes stay empty: records go to the feeds."""

    def __init__(self, *, feeds: list[EventConsumer], **options: Any) -> None:
        super().__init__(**options)
        self.feeds = list(feeds)
        for feed in self.feeds:
            feed.carrier = self
        self._skips: dict[str, Offsets] | None = None

    def skip_below(self, feed: EventConsumer) -> Offsets:
        """The offsets below which ``feed`` skips (its old group's, ADR 0070); empty until
        the group has connected once."""
        return dict((self._skips or {}).get(feed.name, {}))

    async def _connect(self) -> None:
        self.topics = sorted({topic for feed in self.feeds for topic in feed.topics})
        if self._skips is None:  # once per process: the old groups no longer move
            old = await carry_over(
                self.bootstrap_servers,
                self.group_id,
                {feed.group_id: list(feed.topics) for feed in self.feeds},
                client_options=self.client_options,
            )
            self._skips = {feed.name: old.get(feed.group_id, {}) for feed in self.feeds}
        await super()._connect()

    async def _process_partition(self, messages: list[ConsumerRecord[Any, Any]]) -> None:
        first = messages[0]
        tp = TopicPartition(first.topic, first.partition)
        readers = [feed for feed in self.feeds if first.topic in feed.topics]
        await asyncio.gather(*(self._feed(feed, tp, messages) for feed in readers))

    async def _feed(
        self, feed: EventConsumer, tp: TopicPartition, messages: list[ConsumerRecord[Any, Any]]
    ) -> None:
        below = (self._skips or {}).get(feed.name, {}).get(tp)
        for msg in messages:
            if below is not None and msg.offset < below:
                CONSUMED.labels(feed.name, msg.topic, "carried_over").inc()
                continue
            await feed.process(msg)
