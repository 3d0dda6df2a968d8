"""One realistic example of each event type's data, used in the AsyncAPI document and tests."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from sc_contracts.registry import get_event_spec

_ALARM_BASE: dict[str, Any] = {
    "alarm_id": "alm-7f3c2a",
    "alarm_type": "smoke",
    "severity": "critical",
    "originator_type": "device",
    "originator_id": "dev-smoke-0101",
    "community_id": "c-001",
    "building_id": "b-03",
    "unit_id": "u-2",
    "room_id": "r-1201",
    "count": 3,
    "first_at": "2026-03-01T08:15:00+08:00",
    "last_at": "2026-03-01T08:17:30+08:00",
    "rule_id": "rule-smoke-threshold",
    "details": {"key": "smoke_density", "value": 0.42, "threshold": 0.3, "sounder_on": True},
}

_PLACEMENT: dict[str, Any] = {
    "community_id": "c-001",
    "building_id": "b-03",
    "unit_id": "u-2",
    "room_id": "r-1201",
    "grid_id": "grid-01",
}

EXAMPLES: MappingProxyType[str, dict[str, Any]] = MappingProxyType(
    {
        "community.audit.recorded.v1": {
            "record_id": "6f1d3c1e-2b7a-4c8e-9a51-0f6f2d3b9e10",
            "occurred_at": "2026-03-01T08:20:11.532000Z",
            "service": "care",
            "actor_id": "u-1001",
            "actor_type": "user",
            "actor_roles": ["grid_worker"],
            "action": "person.read_sensitive",
            "resource_type": "person",
            "resource_id": "p-2002",
            "community_id": "c-001",
            "outcome": "success",
            "source_ip": "203.0.113.7",
            "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
            "request_id": "req-91ac",
            "detail": {"fields": "id_number,phone"},
        },
        "community.telemetry.recorded.v1": {
            "device_id": "dev-meter-0042",
            "device_type": "water_meter",
            "community_id": "c-001",
            "building_id": "b-03",
            "unit_id": None,
            "room_id": None,
            "ts": "2026-03-01T08:00:00+08:00",
            "values": {"flow_l_min": 12.5, "total_m3": 1834, "valve_open": True, "state": "ok"},
            "received_at": "2026-03-01T08:00:01.204000+08:00",
        },
        "community.device.status_changed.v1": {
            "device_id": "dev-cam-0007",
            "device_type": "camera",
            "community_id": "c-001",
            "status": "offline",
            "last_activity_at": "2026-03-01T07:55:12Z",
            "changed_at": "2026-03-01T08:00:12Z",
        },
        "community.alarm.raised.v1": {**_ALARM_BASE, "status": "active_unack"},
        "community.alarm.acknowledged.v1": {
            **_ALARM_BASE,
            "status": "active_ack",
            "actor_id": "u-3003",
            "acknowledged_at": "2026-03-01T08:18:05+08:00",
        },
        "community.alarm.cleared.v1": {
            **_ALARM_BASE,
            "status": "cleared_ack",
            "actor_id": "u-3003",
            "acknowledged_at": "2026-03-01T08:18:05+08:00",
            "cleared_at": "2026-03-01T08:40:00+08:00",
        },
        "community.notification.requested.v1": {
            "request_id": "alarm:alm-7f3c2a:raised:3",
            "recipients": {
                "user_ids": ["u-1001"],
                "roles_in_scope": [
                    {"role": "property_manager", "scope_type": "building", "scope_id": "b-03"}
                ],
                "household_ids": ["h-1201"],
            },
            "template": "alarm.raised",
            "variables": {"alarm_type": "smoke", "place": "3-2-1201"},
            "severity": "critical",
            "channels": ["voice", "sms", "push", "inapp"],
            "locale": "zh-CN",
            "source_service": "alarm",
            "community_id": "c-001",
            "correlation_id": "alm-7f3c2a",
            "causation_id": "0b6e1f5a-52f4-4a0f-8c66-1d2f3e4a5b6c",
        },
        "community.person.registered.v1": {
            "aggregate_id": "p-2002",
            "person_id": "p-2002",
            "household_id": "h-1201",
            "relation": "family",
            "placement": _PLACEMENT,
            "registered_by": "u-1001",
            "registered_at": "2026-03-01T09:00:00+08:00",
        },
        "community.residency.started.v1": {
            "aggregate_id": "p-2002",
            "person_id": "p-2002",
            "residency_id": "rs-88",
            "household_id": "h-1201",
            "relation": "tenant",
            "placement": _PLACEMENT,
            "moved_in_on": "2026-03-01",
            "recorded_by": "u-1001",
        },
        "community.residency.ended.v1": {
            "aggregate_id": "p-2002",
            "person_id": "p-2002",
            "residency_id": "rs-88",
            "household_id": "h-1201",
            "placement": _PLACEMENT,
            "moved_out_on": "2026-09-30",
            "recorded_by": "u-1001",
        },
        "community.household.changed.v1": {
            "aggregate_id": "h-1201",
            "household_id": "h-1201",
            "change": "members_changed",
            "placement": _PLACEMENT,
            "member_count": 3,
            "status": "active",
            "changed_by": "u-1001",
            "changed_at": "2026-03-01T09:00:00+08:00",
        },
        "community.grant.changed.v1": {
            "aggregate_id": "u-1001",
            "account_id": "u-1001",
            "grant_id": "g-77",
            "change": "granted",
            "role": "grid_worker",
            "scope_type": "grid",
            "scope_id": "grid-01",
            "community_id": "c-001",
            "changed_by": "u-0001",
            "changed_at": "2026-03-01T08:00:00+08:00",
        },
        "community.device.command_requested.v1": {
            "command_id": "cmd-5d1c",
            "device_id": "dev-door-0301",
            "command": "open_door",
            "params": {"door_id": "door-b03-u2", "duration_s": 5},
            "community_id": "c-001",
            "requested_by": "u-1001",
            "requested_by_service": "identity",
            "requested_at": "2026-03-01T09:10:00+08:00",
            "expires_at": "2026-03-01T09:10:30+08:00",
            "correlation_id": None,
        },
        "community.device.command_completed.v1": {
            "command_id": "8a0f3c52-0d7e-4b4e-9a57-2f1c6e1d9b10",
            "request_command_id": "cmd-5d1c",
            "device_id": "dev-door-0301",
            "community_id": "c-001",
            "command": "open_door",
            "outcome": "succeeded",
            "result": {"opened": True},
            "error": None,
            "requested_by": "u-1001",
            "completed_at": "2026-03-01T09:10:02+08:00",
        },
        "community.access.passage_recorded.v1": {
            "passage_id": "ps-20260301-000123",
            "device_id": "dev-gate-01",
            "door_id": "door-gate-north",
            "community_id": "c-001",
            "direction": "in",
            "method": "face",
            "ts": "2026-03-01T18:42:07+08:00",
            "face_id": "face-7c1e90ab",
            "card_no": None,
            "plate": None,
            "person_id": None,
            "pass_id": None,
        },
    }
)


def example_headers(event_type: str, subject: str) -> dict[str, str]:
    """Headers of an example message of ``event_type`` (values as text)."""
    return {
        "ce_id": "0b6e1f5a-52f4-4a0f-8c66-1d2f3e4a5b6c",
        "ce_source": "/services/example",
        "ce_type": event_type,
        "ce_specversion": "1.0",
        "ce_time": "2026-03-01T00:17:30Z",
        "ce_subject": subject,
        "ce_dataschema": get_event_spec(event_type).schema_uri,
        "content-type": "application/json",
        "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    }
