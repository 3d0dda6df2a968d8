"""Telemetry events as readings: the hot path's plain parse of the event's data, the
contract's model for anything unusual (which says what is wrong, so the batch consumer
dead-letters it)."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from alarm.domain.rules import Reading
from sc_contracts.events.telemetry import TelemetryRecordedV1
from sc_core.bus.cloudevents import CloudEvent

TELEMETRY = "community.telemetry.recorded.v1"
STATUS = "community.device.status_changed.v1"


class BadReading(ValueError):
    pass


def reading_of(event: CloudEvent) -> Reading:
    """The reading of a telemetry event. A plain parse first (this runs thousands of times
    a second); anything unusual goes through the contract's model, which says what is
    wrong (and the batch consumer dead-letters it)."""
    d = event.data
    try:
        values, device_id, community_id = d["values"], d["device_id"], d["community_id"]
        device_type = d["device_type"]
        building, unit, room = d.get("building_id"), d.get("unit_id"), d.get("room_id")
        ts, received_at = datetime.fromisoformat(d["ts"]), datetime.fromisoformat(d["received_at"])
        if (
            type(values) is dict
            and values
            and type(device_id) is str
            and device_id
            and type(community_id) is str
            and community_id
            and type(device_type) is str
            and (building is None or type(building) is str)
            and (unit is None or type(unit) is str)
            and (room is None or type(room) is str)
            and ts.tzinfo is not None
            and received_at.tzinfo is not None
        ):
            return Reading(
                device_id, device_type, community_id, building, unit, room, ts, values, received_at
            )
    except (KeyError, TypeError, ValueError):
        pass
    return _validated(event)


def _validated(event: CloudEvent) -> Reading:
    try:
        data = TelemetryRecordedV1.model_validate(event.data)
    except ValidationError as exc:
        raise BadReading(f"not a telemetry reading: {exc.errors()[:2]}") from exc
    return Reading(
        device_id=data.device_id,
        device_type=data.device_type,
        community_id=data.community_id,
        building_id=data.building_id,
        unit_id=data.unit_id,
        room_id=data.room_id,
        ts=data.ts,
        values=dict(data.values),
        received_at=data.received_at,
    )
