"""Falls on the care record (6.2.4): a fall is an alarm of the alarm service (a wearable's
``fallDetected``, or an alarm about the person); care keeps it on the person's record (a
FHIR Observation), tells the people the consent names once per alarm, and follows the
alarm's steps: seen again, acknowledged, cleared and judged real or false (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

FALL_TYPES = frozenset({"fall", "fall_detected"})


def is_fall(alarm_type: str) -> bool:
    return alarm_type.lower() in FALL_TYPES


def status_of(alarm_status: str) -> str:
    """The alarm's status (active/cleared × acknowledged or not) as the record says it."""
    if alarm_status.startswith("cleared"):
        return "cleared"
    return "acknowledged" if alarm_status == "active_ack" else "active"


@dataclass(frozen=True)
class Fall:
    alarm_id: str
    person_id: str
    device_id: str | None
    first_at: datetime
    last_at: datetime
    count: int
    status: str  # active | acknowledged | cleared
    false_alarm: bool | None = None

    @property
    def fhir_status(self) -> str:
        """preliminary while the alarm is open, final once cleared as real (or not judged),
        cancelled when judged a false alarm."""
        if self.false_alarm:
            return "cancelled"
        return "final" if self.status == "cleared" else "preliminary"

    @property
    def words(self) -> tuple[str, str]:
        if self.false_alarm:
            return "误报", "false alarm"
        if self.status == "cleared":
            return "已处理", "handled"
        if self.status == "acknowledged":
            return "已确认，处理中", "acknowledged, being handled"
        return "待处理", "waiting for help"
