"""Alarm lifecycle (ThingsBoard model): raised, acknowledged, cleared.

One active alarm exists per originator and alarm type; repeats raise ``count`` and move
``last_at``. Every lifecycle event carries the full alarm state, so a consumer never has
to remember an earlier event to act on a later one.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import AwareDatetime, Field

from sc_contracts.events.base import EventData, Scalar, Severity


class AlarmStatus(StrEnum):
    """Active or cleared, crossed with acknowledged or not."""

    ACTIVE_UNACK = "active_unack"
    ACTIVE_ACK = "active_ack"
    CLEARED_UNACK = "cleared_unack"
    CLEARED_ACK = "cleared_ack"


class AlarmAction(StrEnum):
    """What the rule that raised an alarm asks other services to do about it."""

    OPEN_WORK_ORDER = "open_work_order"
    NOTIFY = "notify"
    BROADCAST = "broadcast"


class AlarmStateV1(EventData):
    """Full state of one alarm after a lifecycle step (shared by the alarm events).

    The lengths are alarm's own columns, which its consumers' are as wide as or wider than
    (work-orders' case: ids 64, title 200; notification's feed: text): ids and codes 64,
    the originator's type 32, the title 200."""

    alarm_id: str = Field(max_length=64, min_length=1, description="Alarm id; the message key.")
    alarm_type: str = Field(
        max_length=64, min_length=1, description="Alarm type, e.g. smoke, fall, intrusion."
    )
    severity: Severity = Field(description="Current severity.")
    status: AlarmStatus = Field(description="Status after this step.")
    originator_type: str = Field(
        max_length=32,
        min_length=1,
        description="Kind of entity the alarm is about, e.g. device, person.",
    )
    originator_id: str = Field(max_length=64, min_length=1, description="Id of that entity.")
    community_id: str = Field(
        max_length=64, min_length=1, description="Community the alarm belongs to."
    )
    building_id: str | None = Field(max_length=64, default=None, description="Building, if known.")
    unit_id: str | None = Field(max_length=64, default=None, description="Unit, if known.")
    room_id: str | None = Field(max_length=64, default=None, description="Room, if known.")
    count: int = Field(ge=1, description="How many times the condition was seen while active.")
    first_at: AwareDatetime = Field(description="When the alarm was first raised.")
    last_at: AwareDatetime = Field(description="When the condition was last seen.")
    rule_id: str | None = Field(
        max_length=64, default=None, description="Rule that raised the alarm, if any."
    )
    actor_id: str | None = Field(
        max_length=64,
        default=None,
        description="User who acknowledged or cleared it; null when automatic.",
    )
    acknowledged_at: AwareDatetime | None = Field(
        default=None, description="When the alarm was acknowledged, if it was."
    )
    cleared_at: AwareDatetime | None = Field(
        default=None, description="When the alarm was cleared, if it was."
    )
    details: dict[str, Scalar] = Field(
        default_factory=dict, description="Extra facts, e.g. the value that crossed a threshold."
    )
    title: str | None = Field(
        max_length=200,
        default=None,
        description="Short human text, e.g. 'Smoke in 3-2-1201'; no personal data.",
    )
    actions: list[AlarmAction] = Field(
        default_factory=list,
        description="What the rule asks for: open_work_order (work-orders opens one case per "
        "alarm), notify (alarm has sent notification requests), broadcast (warning to speakers).",
    )
    work_order_type: str | None = Field(
        max_length=64,
        default=None,
        description="Case type for open_work_order, e.g. alarm_dispatch; null means the default.",
    )


class AlarmRaisedV1(AlarmStateV1):
    """An alarm was raised, or an active alarm was seen again (count grew)."""


class AlarmAcknowledgedV1(AlarmStateV1):
    """Someone acknowledged an alarm."""


class AlarmClearedV1(AlarmStateV1):
    """An alarm was cleared, by its rule or by a person."""

    false_alarm: bool | None = Field(
        default=None,
        description="The person who cleared it judged it: true a false alarm, false a "
        "real one; null when nobody judged (cleared by its rule, or not said).",
    )
