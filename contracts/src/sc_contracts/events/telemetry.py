"""Telemetry readings reported by devices and edge boxes.

The lengths are device-ingestion's device register (ids and types 64), which alarm's rules
and states and care's meter samples are as wide as (issue 18).
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData, Scalar


class TelemetryRecordedV1(EventData):
    """One telemetry report: several keyed values measured at one instant by one device."""

    device_id: str = Field(
        max_length=64, min_length=1, description="Device that reported the values."
    )
    device_type: str = Field(
        max_length=64, min_length=1, description="Device type, e.g. smoke_detector."
    )
    community_id: str = Field(
        max_length=64, min_length=1, description="Community the device is installed in."
    )
    building_id: str | None = Field(
        max_length=64, default=None, description="Building, if the device has one."
    )
    unit_id: str | None = Field(
        max_length=64, default=None, description="Unit, if the device has one."
    )
    room_id: str | None = Field(
        max_length=64, default=None, description="Room, if the device has one."
    )
    ts: AwareDatetime = Field(description="When the values were measured (device clock).")
    values: dict[str, Scalar] = Field(
        min_length=1, description="Measured values by key: number, boolean or string."
    )
    received_at: AwareDatetime = Field(description="When the platform received the report.")
