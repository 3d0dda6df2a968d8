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

A *plain* batch consumer (``runtime.batch_consumer(name=..., model=..., handler=...)`` with
no options of its own: care's, commerce's and parking-payment's readers of telemetry) rides
the same member (ADR 0083): each poll's records of its topics go to it in one call, handled
as its own client would (one transaction for the lot, one by one to the dead letter when
that fails), beside the feeds' records of the same poll. Feeds and batch consumers with
options of their own (their own ``group_id``, client options, another batch size, a
callback on assignment: the alarm evaluator, device-ingestion's storage, audit) stay
members of their own (``Runtime.members``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiokafka import ConsumerRecord, TopicPartition

from sc_core.bus.batch import BATCH_EVENTS, BatchConsumer
from sc_core.bus.consumer import CONSUMED, EventConsumer
from sc_core.bus.group_migration import Offsets, carry_over

log = logging.getLogger(__name__)

GROUP_SUFFIX = "feeds"
"""The shared group is ``<consumer group>.feeds``; no feed is named so."""


class FeedGroup(EventConsumer):
    """One Kafka consumer (one group member) carrying ``feeds`` and ``batches``; started
    and stopped in their place. Its own routes stay empty: records go to the feeds and
    the batch consumers."""

    def __init__(
        self,
        *,
        feeds: list[EventConsumer],
        batches: list[BatchConsumer] | None = None,
        **options: Any,
    ) -> None:
        carried = list(batches or [])
        if carried:  # polls as large as a carried batch consumer's own client took
            sizes = [batch.max_batch for batch in carried]
            options["max_batch"] = max(options.get("max_batch", 0), *sizes)
        super().__init__(**options)
        self.feeds = list(feeds)
        self.batches = carried
        for feed in self.feeds:
            feed.carrier = self
        for batch in self.batches:
            batch.carrier = self
        self._skips: dict[str, Offsets] | None = None

    def skip_below(self, member: EventConsumer | BatchConsumer) -> Offsets:
        """The offsets below which a feed or batch consumer skips (its old group's,
        ADR 0070); empty until the group has connected once."""
        return dict((self._skips or {}).get(member.name, {}))

    async def _connect(self) -> None:
        carried = [*self.feeds, *self.batches]
        self.topics = sorted({topic for member in carried for topic in member.topics})
        if self._skips is None:  # once per process: the old groups no longer move
            old = await carry_over(
                self.bootstrap_servers,
                self.group_id,
                {member.group_id: list(member.topics) for member in carried},
                client_options=self.client_options,
            )
            self._skips = {member.name: old.get(member.group_id, {}) for member in carried}
        await super()._connect()

    async def _process_poll(
        self, batches: dict[TopicPartition, list[ConsumerRecord[Any, Any]]]
    ) -> None:
        work = [self._process_partition(msgs) for msgs in batches.values()]
        for batch in self.batches:
            records = [
                msg
                for tp, msgs in batches.items()
                if tp.topic in batch.topics
                for msg in self._unskipped(batch, tp, msgs)
            ]
            if records:
                work.append(batch.handle(records))
        await asyncio.gather(*work)

    def _unskipped(
        self, batch: BatchConsumer, tp: TopicPartition, messages: list[ConsumerRecord[Any, Any]]
    ) -> list[ConsumerRecord[Any, Any]]:
        below = (self._skips or {}).get(batch.name, {}).get(tp)
        if below is None or messages[0].offset >= below:
            return messages
        kept = [msg for msg in messages if msg.offset >= below]
        BATCH_EVENTS.labels(batch.name, "carried_over").inc(len(messages) - len(kept))
        return kept

    async def _process_partition(self, messages: list[ConsumerRecord[Any, Any]]) -> None:
        first = messages[0]
        tp = TopicPartition(first.topic, first.partition)
        readers = [feed for feed in self.feeds if first.topic in feed.topics]
        if readers:  # a topic only batch consumers read has none
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
