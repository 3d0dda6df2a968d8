"""What the evaluation of one batch decided, folded per cause (:class:`Outcomes`), the
place an alarm is raised at, and the cause the lifecycle raises or clears for a rule's
decision (:func:`cause`)."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

from alarm.domain.rules import Decision, Reading, Rule, Step
from alarm.engine import alarms as lifecycle

Key = tuple[uuid.UUID, str]


@dataclass
class Place:
    community_id: str
    device_type: str | None = None
    building_id: str | None = None
    unit_id: str | None = None
    room_id: str | None = None
    household_id: str | None = None  # who lives in the room (identity's placements)

    @classmethod
    def of(cls, reading: Reading) -> Place:
        return cls(
            reading.community_id,
            reading.device_type,
            reading.building_id,
            reading.unit_id,
            reading.room_id,
        )


@dataclass
class Outcomes:
    """Decisions of one batch, folded per cause: a cause raised five times in a batch
    is one upsert with count 5. Order within the batch is kept where it matters: a
    crossing followed by a normal reading in the same batch raises the alarm AND clears
    it (nobody misses a spike because it was short), and a clear followed by a new
    crossing clears the old alarm before a new one is raised. Several raise/clear rounds
    of one cause within one batch fold into one alarm (raised, counted, cleared)."""

    raises: OrderedDict[Key, tuple[Rule, Place, Decision, int]] = field(default_factory=OrderedDict)
    clears_first: dict[Key, tuple[Rule, Decision]] = field(default_factory=dict)
    clears: dict[Key, tuple[Rule, Decision]] = field(default_factory=dict)
    states: dict[Key, Step] = field(default_factory=dict)

    def add(self, rule: Rule, device_id: str, place: Place, decision: Decision | None) -> None:
        if decision is None:
            return
        key = (rule.id, device_id)
        if decision.action == "raise":
            earlier = self.raises.get(key)
            cleared = self.clears.pop(key, None)
            if cleared is not None and earlier is None:
                self.clears_first[key] = cleared  # the old alarm ends before this one
            count = earlier[3] + 1 if earlier else 1
            self.raises[key] = (rule, place, decision, count)
            self.raises.move_to_end(key)
        else:
            self.clears[key] = (rule, decision)


def title_for(rule: Rule, place: Place) -> str:
    """The alarm's title as people read it: the rule's title or name. Never the place's
    ids (the alarm carries its place; a text that shows it names it, issue 18 item 5)."""
    del place
    return rule.title or rule.name


def cause(
    rule: Rule, device_id: str, place: Place, decision: Decision, count: int = 1
) -> lifecycle.Cause:
    """The cause a rule's decision raises (or clears) at a device, as the lifecycle takes it."""
    return lifecycle.Cause(
        alarm_type=rule.alarm_type,
        severity=rule.severity,
        originator_type="device",
        originator_id=device_id,
        community_id=place.community_id,
        building_id=place.building_id,
        unit_id=place.unit_id,
        room_id=place.room_id,
        household_id=place.household_id,
        device_type=place.device_type,
        at=decision.at,
        count=count,
        title=title_for(rule, place),
        rule_id=rule.id,
        rule_version=rule.version,
        details={**decision.details, "title_en": rule.title_en}
        if rule.title_en
        else decision.details,
        actions=list(rule.actions),
        work_order_type=rule.work_order_type,
    )
