"""Opening a barrier (道闸抬杆) through device-ingestion's command path.

The gate's controller is a device of device-ingestion (type ``gate``, commands
``open_door``/``close_door``/``keep_open``). We never talk to it ourselves: we publish
``DeviceCommandRequestedV1`` on ``device.commands.v1`` (keyed by the device id), and
device-ingestion delivers it over MQTT RPC or the HTTP long-poll and reports the outcome
on ``device.command-results.v1``. The command id is derived from the decision, so a
decision published twice opens the barrier once. A barrier opened late is a risk: the
command expires after a few seconds.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sc_contracts.events import DeviceCommandRequestedV1

SERVICE = "parking-payment"
OPEN_WINDOW = timedelta(seconds=10)
_NAMESPACE = uuid.UUID("6b1f9a52-3c4e-4f0b-9d0e-5a1c2b3d4e5f")


def open_barrier(
    *,
    device_id: str,
    door_id: str | None,
    decision_id: str,
    community_id: str | None,
    requested_by: str,
    now: datetime,
    hold_s: int = 5,
) -> DeviceCommandRequestedV1:
    return DeviceCommandRequestedV1(
        command_id=str(uuid.uuid5(_NAMESPACE, f"open:{decision_id}")),
        device_id=device_id,
        command="open_door",
        params={"door_id": door_id or device_id, "duration_s": hold_s},
        community_id=community_id,
        requested_by=requested_by,
        requested_by_service=SERVICE,
        requested_at=now,
        expires_at=now + OPEN_WINDOW,
        correlation_id=decision_id,
    )
