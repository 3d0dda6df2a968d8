"""One pydantic model per event type (the CloudEvents ``data``)."""

from sc_contracts.events.access import PassageDirection, PassageMethod, PassageRecordedV1
from sc_contracts.events.alarm import (
    AlarmAcknowledgedV1,
    AlarmAction,
    AlarmClearedV1,
    AlarmRaisedV1,
    AlarmStateV1,
    AlarmStatus,
)
from sc_contracts.events.audit import ActorType, AuditOutcome, AuditRecordedV1
from sc_contracts.events.base import EventData, Scalar, Severity
from sc_contracts.events.command import DeviceCommandRequestedV1
from sc_contracts.events.command_result import CommandOutcome, DeviceCommandCompletedV1
from sc_contracts.events.device import DeviceStatus, DeviceStatusChangedV1
from sc_contracts.events.identity import (
    GrantChange,
    GrantChangedV1,
    HouseholdChange,
    HouseholdChangedV1,
    HouseholdRelation,
    PersonRegisteredV1,
    Placement,
    ResidencyEndedV1,
    ResidencyStartedV1,
)
from sc_contracts.events.notification import (
    DeliveryStatus,
    NotificationChannel,
    NotificationDeliveredV1,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)
from sc_contracts.events.telemetry import TelemetryRecordedV1
from sc_contracts.events.workorder import (
    WorkOrderChangedV1,
    WorkOrderPriority,
    WorkOrderRatedV1,
    WorkOrderSlaBreachedV1,
    WorkOrderStatus,
)

__all__ = [
    "ActorType",
    "AlarmAcknowledgedV1",
    "AlarmAction",
    "AlarmClearedV1",
    "AlarmRaisedV1",
    "AlarmStateV1",
    "AlarmStatus",
    "AuditOutcome",
    "AuditRecordedV1",
    "CommandOutcome",
    "DeliveryStatus",
    "DeviceCommandCompletedV1",
    "DeviceCommandRequestedV1",
    "DeviceStatus",
    "DeviceStatusChangedV1",
    "EventData",
    "GrantChange",
    "GrantChangedV1",
    "HouseholdChange",
    "HouseholdChangedV1",
    "HouseholdRelation",
    "NotificationChannel",
    "NotificationDeliveredV1",
    "NotificationRequestedV1",
    "NotificationSeverity",
    "PassageDirection",
    "PassageMethod",
    "PassageRecordedV1",
    "PersonRegisteredV1",
    "Placement",
    "Recipients",
    "ResidencyEndedV1",
    "ResidencyStartedV1",
    "RoleInScope",
    "Scalar",
    "Severity",
    "TelemetryRecordedV1",
    "WorkOrderChangedV1",
    "WorkOrderPriority",
    "WorkOrderRatedV1",
    "WorkOrderSlaBreachedV1",
    "WorkOrderStatus",
]
