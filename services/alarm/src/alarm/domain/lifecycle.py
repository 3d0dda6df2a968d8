"""The alarm state machine (ThingsBoard): active/cleared crossed with acknowledged."""

from __future__ import annotations

from alarm.domain.rules import SEVERITY_RANK

ACTIVE = ("active_unack", "active_ack")
CLEARED = ("cleared_unack", "cleared_ack")
STATUSES = (*ACTIVE, *CLEARED)


class TransitionError(ValueError):
    def __init__(self, code: str, message: str, zh: str) -> None:
        super().__init__(message)
        self.code = code
        self.zh = zh


def acknowledged(status: str) -> str:
    if status in ("active_ack", "cleared_ack"):
        raise TransitionError(
            "alarm.already_acknowledged", "The alarm is already acknowledged", "该告警已确认"
        )
    return "active_ack" if status == "active_unack" else "cleared_ack"


def cleared(status: str) -> str:
    if status in CLEARED:
        raise TransitionError(
            "alarm.already_cleared", "The alarm is already cleared", "该告警已解除"
        )
    return "cleared_ack" if status == "active_ack" else "cleared_unack"


def at_least(severity: str, minimum: str) -> bool:
    return SEVERITY_RANK.get(severity, 0) >= SEVERITY_RANK.get(minimum, 0)
