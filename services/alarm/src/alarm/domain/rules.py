"""Rules as data (pure: no I/O); their evaluation is :mod:`alarm.domain.evaluation`.

A rule has a ``kind`` and a spec:

- ``threshold`` / ``and``: every condition holds (``and`` is several conditions);
- ``duration``: the conditions hold continuously for ``duration_s`` (a timer fires even
  without a further reading);
- ``repeating``: the conditions hold ``repeat_count`` times within ``window_s``;
- ``rate``: ``rate_key`` changes by more than ``rate_max`` per ``rate_per_s`` seconds
  (``rate_direction`` rise, fall or any);
- ``inactivity``: no reading for ``inactivity_s`` (timer), and with ``offline`` the device
  going offline (device.status.v1).

A condition is ``{"key", "op", "value" | "low"/"high"}`` with op above, below, outside,
between, equals, not_equals, in, not_in (``value`` a list, e.g. a structure's safety
grade in ["C", "D"]). Evaluation takes the rule, its state for one originator (a
JSON-able dict) and a reading; it returns a decision (raise, clear or nothing), the new
state and when its timer is due.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from alarm.domain.schedule import Schedule

Kind = Literal["threshold", "and", "duration", "repeating", "rate", "inactivity"]
KINDS: tuple[str, ...] = ("threshold", "and", "duration", "repeating", "rate", "inactivity")
SEVERITIES: tuple[str, ...] = ("critical", "major", "minor", "warning", "indeterminate")
SEVERITY_RANK = {s: len(SEVERITIES) - i for i, s in enumerate(SEVERITIES)}
OPS = ("above", "below", "outside", "between", "equals", "not_equals", "in", "not_in")
STATEFUL = frozenset({"duration", "repeating", "rate", "inactivity"})


@dataclass(frozen=True)
class Condition:
    key: str
    op: str
    value: Any = None
    low: float | None = None
    high: float | None = None

    def holds(self, values: dict[str, Any]) -> bool | None:
        """Whether it holds for these values; None when the key is not among them."""
        if self.key not in values:
            return None
        v = values[self.key]
        if self.op == "equals":
            return bool(v == self.value)
        if self.op == "not_equals":
            return bool(v != self.value)
        if self.op in ("in", "not_in"):
            inside = v in (self.value or ())
            return inside if self.op == "in" else not inside
        if isinstance(v, bool) or not isinstance(v, int | float):
            return False
        if self.op == "above":
            return float(v) > float(self.value)
        if self.op == "below":
            return float(v) < float(self.value)
        low = float("-inf") if self.low is None else self.low
        high = float("inf") if self.high is None else self.high
        inside = low <= float(v) <= high
        return not inside if self.op == "outside" else inside

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Condition:
        value = raw.get("value")
        if isinstance(value, list):
            value = tuple(value)  # hashable, like the rest of a rule
        return cls(raw["key"], raw["op"], value, raw.get("low"), raw.get("high"))


@dataclass(slots=True)
class Reading:
    device_id: str
    device_type: str
    community_id: str
    building_id: str | None
    unit_id: str | None
    room_id: str | None
    ts: datetime
    values: dict[str, Any]
    received_at: datetime


@dataclass(frozen=True)
class Rule:
    id: uuid.UUID
    version: int
    community_id: str | None
    name: str
    alarm_type: str
    severity: str
    kind: str
    device_type: str | None = None
    device_id: str | None = None
    building_id: str | None = None
    unit_id: str | None = None
    room_id: str | None = None
    conditions: tuple[Condition, ...] = ()
    duration_s: float = 0
    repeat_count: int = 0
    window_s: float = 0
    rate_key: str | None = None
    rate_max: float = 0
    rate_per_s: float = 60
    rate_direction: str = "any"
    inactivity_s: float = 0
    offline: bool = False
    schedule: Schedule | None = None
    actions: tuple[str, ...] = ()
    work_order_type: str | None = None
    auto_clear: bool = True
    title: str | None = None
    title_en: str | None = None  # what an English reader reads (the rule's title_en or name_en)

    @property
    def stateful(self) -> bool:
        return self.kind in STATEFUL

    def applies_to(
        self,
        *,
        device_id: str,
        device_type: str,
        community_id: str,
        building_id: str | None = None,
        unit_id: str | None = None,
        room_id: str | None = None,
    ) -> bool:
        """Scope: the device, its type, and the place (community, building, unit, room)."""
        if self.device_id is not None and self.device_id != device_id:
            return False
        if self.device_type is not None and self.device_type != device_type:
            return False
        if self.community_id is not None and self.community_id != community_id:
            return False
        for mine, theirs in (
            (self.building_id, building_id),
            (self.unit_id, unit_id),
            (self.room_id, room_id),
        ):
            if mine is not None and mine != theirs:
                return False
        return True

    def condition(self, values: dict[str, Any]) -> bool | None:
        """AND of the conditions; None when a key is missing (the reading says nothing)."""
        result = True
        for cond in self.conditions:
            held = cond.holds(values)
            if held is None:
                return None
            result = result and held
        return result

    @classmethod
    def from_row(cls, row: Any) -> Rule:
        spec: dict[str, Any] = dict(row.spec or {})
        return cls(
            id=row.id,
            version=row.version,
            community_id=row.community_id,
            name=row.name,
            alarm_type=row.alarm_type,
            severity=row.severity,
            kind=row.kind,
            device_type=row.device_type,
            device_id=row.device_id,
            building_id=row.building_id,
            unit_id=row.unit_id,
            room_id=row.room_id,
            conditions=tuple(Condition.of(c) for c in spec.get("conditions", [])),
            duration_s=float(spec.get("duration_s") or 0),
            repeat_count=int(spec.get("repeat_count") or 0),
            window_s=float(spec.get("window_s") or 0),
            rate_key=spec.get("rate_key"),
            rate_max=float(spec.get("rate_max") or 0),
            rate_per_s=float(spec.get("rate_per_s") or 60),
            rate_direction=spec.get("rate_direction") or "any",
            inactivity_s=float(spec.get("inactivity_s") or 0),
            offline=bool(spec.get("offline", False)),
            schedule=Schedule.of(row.schedule) if row.schedule else None,
            actions=tuple(row.actions or ()),
            work_order_type=row.work_order_type,
            auto_clear=row.auto_clear,
            title=spec.get("title"),
            title_en=spec.get("title_en") or spec.get("name_en"),
        )


@dataclass
class Decision:
    """What one reading (or timer, or status) means for one rule and originator."""

    action: Literal["raise", "clear"]
    at: datetime
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Step:
    decision: Decision | None
    state: dict[str, Any]
    due_at: datetime | None
    changed: bool
