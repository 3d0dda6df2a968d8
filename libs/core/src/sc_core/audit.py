"""Audit records for writes and sensitive reads, sent to the audit topic.

A record is written with ``uow.audit(who, ...)`` (:meth:`sc_core.db.uow.UnitOfWork.audit`)
and travels through that unit's outbox, so the audit trail holds exactly the changes that
committed; a denied or failed operation (nothing else to commit) commits its record alone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from opentelemetry import trace

from sc_core.bus.cloudevents import CloudEvent

if TYPE_CHECKING:
    from sc_core.auth.caller import Anonymous, Caller

AUDIT_EVENT_TYPE = "community.audit.recorded.v1"
Outcome = Literal["success", "denied", "failure", "error"]


def current_trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


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
    """The audit record of one action. ``caller`` carries the principal (none for an
    :class:`~sc_core.auth.caller.Anonymous` one), the address and the request id; no
    caller is the service itself."""
    principal = caller.principal if caller is not None else None
    address = caller.address if caller is not None else None
    request_id = caller.request_id if caller is not None else None
    data: dict[str, Any] = {
        "record_id": str(uuid.uuid4()),
        "occurred_at": datetime.now(UTC).isoformat(),
        "service": service,
        "actor_id": principal.subject if principal else None,
        "actor_type": principal.kind if principal else "anonymous",
        "actor_roles": sorted(principal.roles) if principal else [],
        "action": action,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "community_id": community_id,
        "outcome": outcome,
        "source_ip": address,
        "trace_id": current_trace_id(),
        "request_id": request_id,
        "detail": {k: str(v) for k, v in (detail or {}).items()},
    }
    return CloudEvent.create(
        AUDIT_EVENT_TYPE,
        source=f"/services/{service}",
        data=data,
        subject=f"{resource_type}/{resource_id}" if resource_id else resource_type,
        id=data["record_id"],
    )
