"""Speakers and e-screens: device commands (DeviceCommandRequestedV1, on its catalogue
topic device.commands.v1), through the outbox.

device-ingestion carries them out (voice_speaker: voice_warning; e_screen: screen_text).
The delivery's recipient is ``device:<device id>``; the endpoint table knows its type.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from notification.channels.base import Outgoing, ProviderError
from sc_contracts.events import DeviceCommandRequestedV1
from sc_core.db.uow import UnitOfWork

DEVICE_PREFIX = "device:"
COMMAND_PREFIX = "notification:"
"""A command's ``command_id`` is this prefix and the delivery id (notification.confirmations)."""


class DeviceCommandAdapter:
    def __init__(self, channel: str, ttl_seconds: int) -> None:
        self.channel = channel
        self.ttl = timedelta(seconds=ttl_seconds)

    def command(self, message: Outgoing) -> tuple[str, dict[str, str | int | float | bool | None]]:
        text = f"{message.title}。{message.body}" if message.title else message.body
        if self.channel == "speaker":
            repeat = 3 if message.severity == "critical" else 1
            return "voice_warning", {"text": text[:500], "repeat": repeat}
        return "screen_text", {"text": text[:500], "duration_s": 600}

    async def send(self, message: Outgoing, uow: UnitOfWork) -> str | None:
        device_id = message.address
        if not device_id:
            raise ProviderError("device.unknown", permanent=True)
        now = datetime.now(UTC)
        name, params = self.command(message)
        data = DeviceCommandRequestedV1(
            command_id=f"{COMMAND_PREFIX}{message.delivery_id}",
            device_id=device_id,
            command=name,
            params=params,
            community_id=message.community_id,
            requested_by="notification",
            requested_by_service="notification",
            requested_at=now,
            expires_at=now + self.ttl,
            correlation_id=message.correlation_id or message.request_id,
        )
        await uow.publish(data, key=device_id, subject=device_id)
        return data.command_id
