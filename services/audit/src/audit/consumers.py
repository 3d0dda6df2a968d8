"""Subscriptions: every service's audit records, into the store."""

from __future__ import annotations

from audit.config import Settings
from audit.domain.vocabulary import CONSUMER_NAME
from audit.usecases.records import RecordStore
from sc_contracts.events.audit import AuditRecordedV1
from sc_core.service import Runtime


def register(runtime: Runtime, settings: Settings, store: RecordStore) -> None:
    # whole polls in one transaction: one lock of the day's chain head per batch rather
    # than per record; the record id is the store's own key, so no inbox is needed
    runtime.batch_consumer(
        name=CONSUMER_NAME,
        model=AuditRecordedV1,  # AUDIT_TOPIC (ServiceSettings.topic)
        handler=store.on_batch,
        max_batch=500,
        consumer_options={
            "fetch_min_bytes": settings.audit_fetch_min_bytes,
            "fetch_max_wait_ms": settings.audit_fetch_max_wait_ms,
        },
    )
