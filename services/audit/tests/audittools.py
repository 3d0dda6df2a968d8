"""Helpers of the audit store's tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from audit.db.store import PartitionKeeper
from audit.usecases.records import RecordStore

from sc_contracts.events.audit import AuditRecordedV1
from sc_core.audit import AUDIT_EVENT_TYPE
from sc_core.auth import Grant, ScopeType
from sc_core.auth.testing import LocalIssuer
from sc_core.bus.cloudevents import CloudEvent
from sc_core.db import Database
from sc_devinfra.waiting import eventually as eventually


def make_record(**fields: Any) -> AuditRecordedV1:
    data: dict[str, Any] = {
        "record_id": uuid.uuid4(),
        "occurred_at": datetime.now(UTC),
        "service": "things",
        "actor_id": "u-1",
        "actor_type": "user",
        "actor_roles": ["property_staff"],
        "action": "thing.create",
        "resource_type": "thing",
        "resource_id": "t-1",
        "community_id": "c-1",
        "outcome": "success",
        "source_ip": "203.0.113.9",
        "trace_id": "ab" * 16,
        "request_id": "req-1",
        "detail": {},
    }
    data.update(fields)
    return AuditRecordedV1.model_validate(data)


def as_event(record: AuditRecordedV1, *, event_id: str | None = None) -> CloudEvent:
    return CloudEvent.create(
        AUDIT_EVENT_TYPE,
        source=f"/services/{record.service}",
        data=record.model_dump(mode="json"),
        subject=f"{record.resource_type}/{record.resource_id}",
        id=event_id or str(record.record_id),
    )


async def store(db: Database, *records: AuditRecordedV1) -> list[bool]:
    """Store records the way the consumer does (without the inbox)."""
    handler = RecordStore(db, PartitionKeeper())
    results = []
    for record in records:
        async with db.uow() as uow:
            results.append(await handler.store(uow, record))
            await uow.commit()
    return results


def bearer(
    issuer: LocalIssuer, role: str, scope: tuple[ScopeType, str] | None = None
) -> dict[str, str]:
    """A token of ``role`` held over ``scope`` (auditors: the platform; others: c-1)."""
    if scope is None:
        scope = ("platform", "*") if role == "auditor" else ("community", "c-1")
    return issuer.bearer(f"u-{role}", roles=[role], grants=[Grant(role, *scope)])
