"""Subscriptions: every service's audit records, into the store."""

from __future__ import annotations

from audit.db.store import PartitionKeeper
from audit.domain.vocabulary import CONSUMER_NAME
from audit.handlers import RecordStore
from sc_core.audit import AUDIT_EVENT_TYPE
from sc_core.service import Runtime


def register(runtime: Runtime, partitions: PartitionKeeper) -> RecordStore:
    assert runtime.db is not None
    store = RecordStore(runtime.db, partitions)
    # whole polls in one transaction: one lock of the day's chain head per batch rather
    # than per record; the record id is the store's own key, so no inbox is needed
    runtime.batch_consumer(
        name=CONSUMER_NAME,
        topics=[runtime.settings.audit_topic],
        handler=store.on_batch,
        event_types={AUDIT_EVENT_TYPE},
        max_batch=500,
    )
    return store
