"""A broadcast delivery follows the device's answer.

A delivery to a speaker or an e-screen is ``sent`` when its command is on
device.commands.v1; device-ingestion then reports how the command ended
(``DeviceCommandCompletedV1`` on device.command-results.v1, ``request_command_id`` =
``notification:<delivery id>``). The delivery becomes ``delivered`` (the device answered),
``failed`` (it refused, or no such device) or ``expired`` (no answer in time); a failure
is recorded with a stable code in ``last_error`` (``device.failed``, ``device.expired``,
``device.unknown``), shown to the sender in ``GET /api/v1/notifications/{request_id}``
(each delivery and the summary by status), published as ``NotificationDeliveredV1``
(status ``failed``) and audited. An answer for a delivery that is not ``sent`` (a
redelivery, an answer already taken) changes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update

from notification.channels.devices import COMMAND_PREFIX
from notification.db.models import delivery, delivery_attempt
from notification.usecases.outcomes import record_outcome
from sc_contracts.events.command_result import CommandOutcome, DeviceCommandCompletedV1
from sc_core.db.uow import UnitOfWork

STATUS = {
    CommandOutcome.SUCCEEDED: "delivered",
    CommandOutcome.FAILED: "failed",
    CommandOutcome.EXPIRED: "expired",
}
DEVICE_CHANNELS = ("speaker", "screen")


def delivery_of(data: DeviceCommandCompletedV1) -> uuid.UUID | None:
    """The delivery a command result answers, if it is one of ours."""
    ref = data.request_command_id or ""
    if not ref.startswith(COMMAND_PREFIX):
        return None
    try:
        return uuid.UUID(ref.removeprefix(COMMAND_PREFIX))
    except ValueError:
        return None


def error_code(data: DeviceCommandCompletedV1) -> str | None:
    if data.outcome is CommandOutcome.SUCCEEDED:
        return None
    if data.outcome is CommandOutcome.FAILED and (data.error or "").startswith("device.unknown"):
        return "device.unknown"
    return f"device.{data.outcome.value}"


async def confirm(uow: UnitOfWork, data: DeviceCommandCompletedV1) -> bool:
    """Take the device's answer for its delivery; False when there is none to take."""
    delivery_id = delivery_of(data)
    if delivery_id is None:
        return False
    status, code = STATUS[data.outcome], error_code(data)
    row: Any = (
        await uow.session.execute(
            update(delivery)
            .where(
                delivery.c.id == delivery_id,
                delivery.c.status == "sent",
                delivery.c.channel.in_(DEVICE_CHANNELS),
            )
            .values(status=status, last_error=code, decided_at=data.completed_at)
            .returning(delivery)
        )
    ).first()
    if row is None:
        return False
    await uow.session.execute(
        delivery_attempt.insert().values(
            delivery_id=row.id,
            attempt=row.attempts,
            outcome=status,
            error=(data.error or code or "")[:1000] or None,
            provider_ref=data.command_id,
        )
    )
    if code is not None:  # the delivery did not reach anyone after all
        await record_outcome(uow, row, status="failed", attempts=row.attempts, error=code)
    return True
