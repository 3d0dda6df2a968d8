"""Real-time alerts to the property (实时告警) through the notification service."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from parking_payment.domain.gate import WATCH_REASON_ZH, Decision, WatchReason
from sc_contracts.events.notification import (
    NotificationChannel,
    NotificationRequestedV1,
    NotificationSeverity,
    Recipients,
    RoleInScope,
)

if TYPE_CHECKING:
    from parking_payment.usecases.gates import GateConfig

_ACTION_ZH = {"pass": "已放行", "pay": "等待缴费", "refuse": "已拦截"}
_ACTION_EN = {"pass": "let through", "pay": "waiting for payment", "refuse": "stopped"}
_REASON_EN = {
    WatchReason.blacklist: "a blacklisted car",
    WatchReason.stolen: "a stolen car",
    WatchReason.unpaid: "a car with unpaid fees",
}


def watch_alert(
    gate: GateConfig, plate: str, reason: WatchReason, decision: Decision, passage_id: uuid.UUID
) -> NotificationRequestedV1:
    """Property staff and managers of the community: a watched plate at a gate. The
    template is not seeded in the notification service: its title and body go as
    variables (the service renders them as given)."""
    severity = (
        NotificationSeverity.URGENT
        if reason is WatchReason.stolen
        else NotificationSeverity.WARNING
    )
    title = f"布控车辆告警：{WATCH_REASON_ZH[reason]}"
    body = (
        f"{gate.name}识别到{WATCH_REASON_ZH[reason]} {plate}，"
        f"{_ACTION_ZH[decision.action.value]}。请及时处置。"
    )
    return NotificationRequestedV1(
        request_id=f"parking-watch-{passage_id}",
        recipients=Recipients(
            roles_in_scope=[
                RoleInScope(role=role, scope_type="community", scope_id=gate.community_id)
                for role in ("property_staff", "property_manager")
            ]
        ),
        template="parking.watch_alert",
        variables={
            "title": title,
            "body": body,
            "plate": plate,
            "title_en": f"Watched car: {_REASON_EN[reason]}",
            "body_en": f"{gate.name} read {_REASON_EN[reason]}, {plate}: "
            f"{_ACTION_EN[decision.action.value]}. Please act on it.",
        },
        severity=severity,
        channels=[NotificationChannel.INAPP, NotificationChannel.PUSH],
        source_service="parking-payment",
        community_id=gate.community_id,
        correlation_id=str(passage_id),
    )
