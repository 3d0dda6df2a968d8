"""One pydantic model per event type (the CloudEvents ``data``)."""

from sc_contracts.events.alarm import (
    AlarmAcknowledgedV1,
    AlarmClearedV1,
    AlarmRaisedV1,
    AlarmStateV1,
    AlarmStatus,
)
from sc_contracts.events.audit import ActorType, AuditOutcome, AuditRecordedV1
from sc_contracts.events.base import EventData, Scalar, Severity
from sc_contracts.events.device import DeviceStatus, DeviceStatusChangedV1
from sc_contracts.events.notification import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_contracts.events.telemetry import TelemetryRecordedV1

__all__ = [
    "ActorType",
    "AlarmAcknowledgedV1",
    "AlarmClearedV1",
    "AlarmRaisedV1",
    "AlarmStateV1",
    "AlarmStatus",
    "AuditOutcome",
    "AuditRecordedV1",
    "DeviceStatus",
    "DeviceStatusChangedV1",
    "EventData",
    "NotificationChannel",
    "NotificationRequestedV1",
    "NotificationSeverity",
    "Recipients",
    "RoleInScope",
    "Scalar",
    "Severity",
    "TelemetryRecordedV1",
]
