"""Audit records for writes and sensitive reads, sent to the audit topic.

A record is written with ``uow.audit(who, ...)`` (:meth:`sc_core.db.uow.UnitOfWork.audit`)
and travels through that unit's outbox, so the audit trail holds exactly the changes that
committed; a denied or failed operation (nothing else to commit) commits its record alone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from opentelemetry import trace

from sc_contracts.events.audit import ActorType, AuditOutcome, AuditRecordedV1
from sc_core.bus.cloudevents import CloudEvent

if TYPE_CHECKING:
    from sc_core.auth.caller import Anonymous, Caller

AUDIT_EVENT_TYPE = "community.audit.recorded.v1"
Outcome = Literal["success", "denied", "failure", "error"]


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


def audit_record(
    *,
    service: str,
    action: str,
    resource_type: str,
    resource_id: str | None = None,
    outcome: Outcome = "success",
    caller: Caller | Anonymous | None = None,
    community_id: str | None = None,
    detail: dict[str, str] | None = None,
) -> AuditRecordedV1:
    """The audit record of one action, as the contract types it (an action that does not
    fit ``<resource>.<verb>`` fails here, where it is written, not in the audit service's
    dead letters; ``tests-deploy/test_audit_actions.py`` checks every call site's action).
    ``caller`` carries the principal (none for an :class:`~sc_core.auth.caller.Anonymous`
    one), the address and the request id; no caller is the service itself."""
    principal = caller.principal if caller is not None else None
    return AuditRecordedV1(
        record_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
        service=service,
        actor_id=principal.subject if principal else None,
        actor_type=ActorType(principal.kind) if principal else ActorType.ANONYMOUS,
        actor_roles=sorted(principal.roles) if principal else [],
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        community_id=community_id,
        outcome=AuditOutcome(outcome),
        source_ip=caller.address if caller is not None else None,
        trace_id=current_trace_id(),
        request_id=caller.request_id if caller is not None else None,
        detail={k: str(v) for k, v in (detail or {}).items()},
    )


def audit_subject(record: AuditRecordedV1) -> str:
    """The CloudEvents subject of a record: ``<resource_type>/<resource_id>``."""
    if record.resource_id:
        return f"{record.resource_type}/{record.resource_id}"
    return record.resource_type


def audit_event(
    *,
    service: str,
    action: str,
    resource_type: str,
    resource_id: str | None = None,
    outcome: Outcome = "success",
    caller: Caller | Anonymous | None = None,
    community_id: str | None = None,
    detail: dict[str, str] | None = None,
) -> CloudEvent:
    """:func:`audit_record` as the CloudEvent the outbox sends (its id is the record's)."""
    record = audit_record(
        service=service,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        outcome=outcome,
        caller=caller,
        community_id=community_id,
        detail=detail,
    )
    return CloudEvent.of(
        record,
        source=f"/services/{service}",
        subject=audit_subject(record),
        id=str(record.record_id),
    )
