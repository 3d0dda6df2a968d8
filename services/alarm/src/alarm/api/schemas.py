"""API models of rules, alarms, plans and the duty roster."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from alarm.domain.lifecycle import STATUSES
from alarm.domain.rules import KINDS, OPS, SEVERITIES
from sc_core.schema import Instant, TimeZoneName

Severity = Literal["critical", "major", "minor", "warning", "indeterminate"]
AlarmStatus = Literal["active_unack", "active_ack", "cleared_unack", "cleared_ack"]
Action = Literal["open_work_order", "notify", "broadcast"]
Channel = Literal["inapp", "push", "sms", "voice", "speaker", "screen"]
Id = Field(min_length=1, max_length=64)
IdItem = Annotated[str, Field(max_length=64)]
"""An id in a list (a user, a household, a device): at most 64 characters."""
AlarmTypeItem = Annotated[str, Field(max_length=64)]
Contact = Annotated[
    dict[Annotated[str, Field(max_length=64)], Annotated[str, Field(max_length=500)]],
    Field(max_length=20),
]
"""A contact as the plans and registers keep it (``{"name": "王", "phone": "139..."}``):
at most 20 entries, names of 64 characters, values of 500."""

# a condition's operands: a reading compared with them is a number, a flag or a word
Number = Annotated[float, Field(ge=-1e12, le=1e12)]
Whole = Annotated[int, Field(ge=-(10**12), le=10**12)]
Word = Annotated[str, Field(max_length=200)]
Operand = bool | Whole | Number | Word


def community_default() -> Any:
    """``community_id`` of a create request (issue 19 item 2): left out, it is the one
    community the caller writes in (their grants); several: 422 ``place.ambiguous``
    naming the field and the communities, none: 422 ``place.required``."""
    return Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Default: the one community the caller writes in",
    )


class ConditionIn(BaseModel):
    key: str = Field(min_length=1, max_length=64)
    op: Literal["above", "below", "outside", "between", "equals", "not_equals", "in", "not_in"]
    value: Operand | Annotated[list[Operand], Field(max_length=100)] | None = None
    low: Number | None = None
    high: Number | None = None

    @model_validator(mode="after")
    def _operands(self) -> ConditionIn:
        if self.op in ("above", "below") and not isinstance(self.value, int | float):
            raise ValueError(f"'{self.op}' needs a numeric value")
        if self.op in ("outside", "between") and self.low is None and self.high is None:
            raise ValueError(f"'{self.op}' needs low and/or high")
        if self.op in ("equals", "not_equals") and (
            self.value is None or isinstance(self.value, list)
        ):
            raise ValueError(f"'{self.op}' needs a value")
        if self.op in ("in", "not_in") and not (isinstance(self.value, list) and self.value):
            raise ValueError(f"'{self.op}' needs a non-empty list of values")
        if self.op in ("above", "below") and isinstance(self.value, bool):
            raise ValueError(f"'{self.op}' needs a numeric value")
        return self


class WindowIn(BaseModel):
    start: str = Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    end: str = Field(pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")
    days: list[Annotated[int, Field(ge=0, le=6)]] = Field(
        default_factory=lambda: list(range(7)),
        max_length=7,
        description="0 (Monday) .. 6 (Sunday)",
    )


class ScheduleIn(BaseModel):
    timezone: TimeZoneName = "Asia/Shanghai"
    windows: list[WindowIn] = Field(min_length=1, max_length=14)


class RuleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="The rule's name, zh-CN.")
    name_en: str | None = Field(
        default=None, max_length=200, description="The rule's name in English (en readers)."
    )
    alarm_type: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.\-]+$")
    severity: Severity
    kind: Literal["threshold", "and", "duration", "repeating", "rate", "inactivity"]
    device_type: str | None = Field(default=None, max_length=64)
    device_id: str | None = Field(default=None, max_length=64)
    building_id: str | None = Field(default=None, max_length=64)
    unit_id: str | None = Field(default=None, max_length=64)
    room_id: str | None = Field(default=None, max_length=64)
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=10)
    duration_s: float | None = Field(default=None, gt=0, le=30 * 86400)
    repeat_count: int | None = Field(default=None, ge=2, le=1000)
    window_s: float | None = Field(default=None, gt=0, le=30 * 86400)
    rate_key: str | None = Field(default=None, max_length=64)
    rate_max: float | None = Field(default=None, ge=0, le=1e12)
    rate_per_s: float = Field(default=60, gt=0, le=30 * 86400)
    rate_direction: Literal["rise", "fall", "any"] = "any"
    inactivity_s: float | None = Field(default=None, gt=0, le=30 * 86400)
    offline: bool = False
    title: str | None = Field(
        default=None, max_length=200, description="Its alarms' title, zh-CN (default: name)."
    )
    title_en: str | None = Field(
        default=None, max_length=200, description="Its alarms' title in English."
    )
    schedule: ScheduleIn | None = None
    actions: list[Action] = Field(default_factory=list, max_length=3)
    work_order_type: str | None = Field(default=None, max_length=64)
    auto_clear: bool = True
    enabled: bool = True

    @model_validator(mode="after")
    def _kind_needs(self) -> RuleBody:
        k = self.kind
        if k in ("threshold", "duration", "repeating") and not self.conditions:
            raise ValueError(f"a {k} rule needs at least one condition")
        if k == "and" and len(self.conditions) < 2:
            raise ValueError("an 'and' rule needs at least two conditions")
        if k == "duration" and self.duration_s is None:
            raise ValueError("a duration rule needs duration_s")
        if k == "repeating" and (self.repeat_count is None or self.window_s is None):
            raise ValueError("a repeating rule needs repeat_count and window_s")
        if k == "rate" and (self.rate_key is None or self.rate_max is None):
            raise ValueError("a rate rule needs rate_key and rate_max")
        if k == "inactivity" and self.inactivity_s is None and not self.offline:
            raise ValueError("an inactivity rule needs inactivity_s or offline")
        scoped = (self.device_type, self.device_id, self.building_id, self.unit_id, self.room_id)
        if all(s is None for s in scoped):
            raise ValueError("scope the rule: device_type, device_id or a place")
        return self

    def spec(self) -> dict[str, Any]:
        keys = [
            "duration_s",
            "repeat_count",
            "window_s",
            "rate_key",
            "rate_max",
            "rate_per_s",
            "rate_direction",
            "inactivity_s",
            "offline",
            "title",
            "title_en",
            "name_en",
        ]
        spec: dict[str, Any] = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        spec["conditions"] = [c.model_dump(exclude_none=True) for c in self.conditions]
        return spec


class RuleCreate(RuleBody):
    community_id: str | None = Field(default=None, max_length=64)


class RuleRead(BaseModel):
    id: uuid.UUID
    community_id: str | None
    name: str
    alarm_type: str
    severity: str
    kind: str
    device_type: str | None
    device_id: str | None
    building_id: str | None
    unit_id: str | None
    room_id: str | None
    spec: dict[str, Any]
    schedule: dict[str, Any] | None
    actions: list[str]
    work_order_type: str | None
    auto_clear: bool
    enabled: bool
    version: int
    updated_at: datetime
    updated_by: str | None


class RuleVersionRead(BaseModel):
    version: int
    snapshot: dict[str, Any]
    changed_by: str | None
    changed_at: datetime


class AlarmRead(BaseModel):
    id: uuid.UUID
    alarm_type: str
    severity: str
    status: str
    originator_type: str
    originator_id: str
    community_id: str
    building_id: str | None
    unit_id: str | None
    room_id: str | None
    household_id: str | None
    device_type: str | None
    count: int
    first_at: datetime
    last_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    cleared_at: datetime | None
    cleared_by: str | None
    rule_id: uuid.UUID | None
    rule_version: int | None
    source: str
    title: str
    description: str | None
    details: dict[str, Any]
    actions: list[str]
    work_order_type: str | None
    assignee_id: str | None
    escalation_stage: int


class CameraRead(BaseModel):
    device_id: str
    lat: float
    lng: float
    distance_m: float
    place_id: uuid.UUID
    place_name: str


class AlarmDetail(AlarmRead):
    nearest_cameras: list[CameraRead] = Field(default_factory=list)
    history: list[dict[str, Any]] = Field(default_factory=list)
    comments: list[dict[str, Any]] = Field(default_factory=list)


class ManualAlarm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alarm_type: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9_.\-]+$")
    severity: Severity = "major"
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    community_id: str = Id
    building_id: str | None = Field(default=None, max_length=64)
    unit_id: str | None = Field(default=None, max_length=64)
    room_id: str | None = Field(default=None, max_length=64)
    household_id: str | None = Field(default=None, max_length=64)
    actions: list[Action] = Field(default_factory=lambda: list[Action](["notify"]), max_length=3)
    work_order_type: str | None = Field(default=None, max_length=64)


class ManualAlarmCreate(ManualAlarm):
    """A manual alarm as a caller sends it (issue 19 item 2): ``community_id`` may be left
    out when it follows from the household (the directory's) or the caller's one
    community; a resident's ``household_id`` when they belong to one household."""

    community_id: str | None = Field(  # type: ignore[assignment]
        default=None,
        min_length=1,
        max_length=64,
        description="Default: the household's community, or the caller's one community",
    )


class AssignBody(BaseModel):
    assignee_id: str = Id


class ClearBody(BaseModel):
    false_alarm: bool | None = Field(
        default=None, description="true: a false alarm (误报); false: a real one; omit: not judged"
    )


class CommentBody(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class StageIn(BaseModel):
    after_s: float = Field(default=0, ge=0, le=7 * 86400)
    # a role as identity grants it (32; NotificationRequestedV1's RoleInScope says so)
    roles: list[Annotated[str, Field(min_length=1, max_length=32)]] = Field(
        default_factory=list, max_length=10
    )
    user_ids: list[IdItem] = Field(default_factory=list, max_length=100)
    on_duty: bool = False


class PlanFields(BaseModel):
    """A notification plan as stored: what a correction (``PATCH``) is validated against."""

    model_config = ConfigDict(extra="forbid")

    community_id: str = Id
    name: str = Field(min_length=1, max_length=200)
    alarm_types: list[AlarmTypeItem] = Field(default_factory=list, max_length=50)
    min_severity: Severity = "indeterminate"
    building_id: str | None = Field(default=None, max_length=64)
    stages: list[StageIn] = Field(min_length=1, max_length=10)
    channels: list[Channel] = Field(
        default_factory=lambda: list[Channel](["inapp", "push", "sms"]), min_length=1
    )
    enabled: bool = True

    @model_validator(mode="after")
    def _increasing(self) -> PlanFields:
        delays = [s.after_s for s in self.stages]
        if delays != sorted(delays):
            raise ValueError("stage delays must not decrease")
        return self


class PlanBody(PlanFields):
    """A new plan (``POST``) or its replacement (``PUT``; left out: the plan's community)."""

    community_id: str | None = community_default()  # type: ignore[assignment]


class PlanRead(PlanFields):
    id: uuid.UUID


class ShiftFields(BaseModel):
    """A duty shift as stored: what a correction (``PATCH``) is validated against."""

    community_id: str = Id
    user_id: str = Id
    role: str = Field(min_length=1, max_length=32)
    starts_at: Instant
    ends_at: Instant
    note: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _order(self) -> ShiftFields:
        if (self.starts_at.tzinfo is None) != (self.ends_at.tzinfo is None):
            # compared, they were a TypeError (a 500)
            raise ValueError("starts_at and ends_at both carry their offset, or neither does")
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class ShiftBody(ShiftFields):
    community_id: str | None = community_default()  # type: ignore[assignment]


class ShiftRead(ShiftFields):
    id: uuid.UUID


assert set(STATUSES) == {"active_unack", "active_ack", "cleared_unack", "cleared_ack"}
assert set(SEVERITIES) == {"critical", "major", "minor", "warning", "indeterminate"}
assert set(KINDS) == {"threshold", "and", "duration", "repeating", "rate", "inactivity"}
assert set(OPS) == {"above", "below", "outside", "between", "equals", "not_equals", "in", "not_in"}


# the operations overview (api/stats.py) -------------------------------------------
class Count(BaseModel):
    key: str
    count: int


class BuildingCount(BaseModel):
    building_id: str
    category: str
    count: int


class SpecialStats(BaseModel):
    registered: list[Count]  # by category
    registered_by_building: list[BuildingCount] = Field(
        default_factory=list,
        description="The register by building and category (those with a building): the "
        "map's people layer (GET /api/v1/gis/features), counts only",
    )
    emergencies_since: int  # emergency/fall/sos alarms raised in their rooms since `since`
    emergencies_unacknowledged: int


class AlarmStats(BaseModel):
    community_id: str
    since: datetime
    active_by_severity: list[Count]
    active_by_status: list[Count]
    active_by_building: list[Count]
    raised_since: int
    cleared_since: int
    special_persons: SpecialStats | None  # None: the caller does not read the register
