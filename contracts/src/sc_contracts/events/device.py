"""Device connectivity status."""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData


class DeviceStatus(StrEnum):
    """Connectivity of a device."""

    ONLINE = "online"
    OFFLINE = "offline"


class DeviceStatusChangedV1(EventData):
    """A device went online or offline."""

    device_id: str = Field(max_length=64, min_length=1, description="Device whose status changed.")
    device_type: str = Field(
        max_length=64, min_length=1, description="Device type, e.g. smoke_detector."
    )
    community_id: str = Field(
        max_length=64, min_length=1, description="Community the device is installed in."
    )
    status: DeviceStatus = Field(description="New status.")
    last_activity_at: AwareDatetime | None = Field(
        default=None, description="Last time the device was heard from; null if never."
    )
    changed_at: AwareDatetime = Field(description="When the platform decided the change.")
