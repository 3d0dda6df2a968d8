"""Recording where a delivery ended: the delivery event and the audit record.

Both go through the outbox of the unit of work that changes the delivery's status, so
the event, the audit trail and the status agree.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sc_contracts.events import NotificationDeliveredV1, NotificationOpenedV1
from sc_core.auth import Caller, Principal
from sc_core.db.uow import UnitOfWork
from sc_core.privacy import mask_mobile

SERVICE_PRINCIPAL = Principal(subject="notification", kind="service")
# the service itself acts: no address, no request (as the audit records always said)
SERVICE = Caller(SERVICE_PRINCIPAL)


def message_key(request_id: str) -> str:
    """The request id as the message key; an id too long for the outbox's key column is
    replaced by its SHA-256 (still one key per request, so its outcomes stay in order)."""
    if len(request_id) <= 200:
        return request_id
    return "sha256:" + hashlib.sha256(request_id.encode()).hexdigest()


async def record_outcome(
    uow: UnitOfWork,
    row: Any,
    *,
    status: str,
    attempts: int,
    error: str | None = None,
    address: str | None = None,
) -> None:
    """Publish NotificationDeliveredV1 and audit what was sent to whom (or why not)."""
    now = datetime.now(UTC)
    data = NotificationDeliveredV1(
        delivery_id=str(row.id),
        request_id=row.request_id,
        recipient_id=row.recipient_id,
        channel=row.channel,
        status=status,
        attempts=attempts,
        error=error[:1000] if error else None,  # the contract's limit
        template=row.template,
        severity=row.severity,
        community_id=row.community_id,
        correlation_id=row.correlation_id,
        decided_at=now,
    )
    await uow.publish(data, key=message_key(row.request_id), subject=row.request_id)
    detail = {
        "request_id": row.request_id,
        "recipient_id": row.recipient_id,
        "channel": row.channel,
        "status": status,
        "template": row.template,
        "severity": row.severity,
        "attempts": str(attempts),
    }
    if error:
        detail["error"] = error[:200]
    if address:
        detail["address"] = (
            str(mask_mobile(address)) if row.channel in ("sms", "voice") else address
        )
    await uow.audit(
        SERVICE,
        f"notification.{status}",
        "notification_delivery",
        str(row.id),
        community_id=row.community_id,
        detail=detail,
    )


async def publish_read(uow: UnitOfWork, message: Any) -> None:
    """Publish NotificationOpenedV1 for an in-app message read for the first time (evaluation
    counts read rates from it)."""
    data = NotificationOpenedV1(
        delivery_id=str(message.delivery_id),
        request_id=message.request_id,
        recipient_id=message.user_id,
        template=message.template,
        community_id=message.community_id,
        read_at=message.read_at,
    )
    await uow.publish(data, key=message_key(message.request_id), subject=message.request_id)
