"""Audit records for writes and sensitive reads, sent to the audit topic.

A record written inside a unit of work travels through that unit's outbox, so the audit
trail holds exactly the changes that committed. Denied or failed operations (nothing to
commit) are recorded with :meth:`Auditor.record`, which uses its own unit of work.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from opentelemetry import trace

from sc_core.bus.cloudevents import CloudEvent
from sc_core.net import client_address

if TYPE_CHECKING:
    from fastapi import Request

    from sc_core.auth import Principal
    from sc_core.auth.caller import Anonymous, Caller
    from sc_core.db.engine import Database
    from sc_core.db.uow import UnitOfWork

AUDIT_EVENT_TYPE = "community.audit.recorded.v1"
Outcome = Literal["success", "denied", "failure", "error"]


def source_ip(request: Request | None) -> str | None:
    """The client's address by the one rule of :func:`sc_core.net.client_address`."""
    return client_address(request) if request is not None else None


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
    principal: Principal | None = None,
    request: Request | None = None,
    caller: Caller | Anonymous | None = None,
    community_id: str | None = None,
    detail: dict[str, str] | None = None,
) -> CloudEvent:
    """The audit record of one action. ``caller`` (a use case's) carries the principal
    (none for an :class:`~sc_core.auth.caller.Anonymous` one), address and request id;
    ``principal`` and ``request`` are the older form."""
    if caller is not None:
        principal = caller.principal
        address, request_id = caller.address, caller.request_id
    else:
        address = source_ip(request)
        request_id = request.headers.get("x-request-id") if request is not None else None
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


class Auditor:
    """Records audit events for one service."""

    def __init__(self, service: str, topic: str, db: Database | None = None) -> None:
        self.service = service
        self.topic = topic
        self.db = db

    async def within(self, uow: UnitOfWork, **fields: Any) -> CloudEvent:
        """Record as part of ``uow``: committed with the change, or not at all."""
        event = audit_event(service=self.service, **fields)
        await uow.publish(self.topic, event, key=event.data["record_id"])
        return event

    async def record(self, **fields: Any) -> CloudEvent:
        """Record on its own (denied or failed operations, reads)."""
        if self.db is None:
            raise RuntimeError("Auditor.record needs a database for its outbox")
        async with self.db.uow() as uow:
            event = await self.within(uow, **fields)
            await uow.commit()
        return event
