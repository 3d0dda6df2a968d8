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
    consumer = runtime.consumer(name=CONSUMER_NAME, topics=[runtime.settings.audit_topic])
    consumer.on(AUDIT_EVENT_TYPE)(store.on_recorded)
    return store
