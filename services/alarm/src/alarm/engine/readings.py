"""Telemetry events as readings. The evaluator's batch consumer decodes each record as the
contract's :class:`TelemetryRecordedV1` straight from its bytes (``BatchConsumer(model=)``,
sc_core's one codec: cheaper per reading than a dict and a hand parse, bench/codec.py); a
record that does not fit is dead-lettered with what is wrong before the evaluator sees it."""

from __future__ import annotations

from alarm.domain.rules import Reading
from sc_contracts.events.telemetry import TelemetryRecordedV1


def reading_of(data: TelemetryRecordedV1) -> Reading:
    """The reading a rule evaluates."""
    return Reading(
        device_id=data.device_id,
        device_type=data.device_type,
        community_id=data.community_id,
        building_id=data.building_id,
        unit_id=data.unit_id,
        room_id=data.room_id,
        ts=data.ts,
        values=data.values,
        received_at=data.received_at,
    )
