"""Pure rule logic: conditions, schedules across midnight in Asia/Shanghai, redelivered
readings, folding causes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from alarm.domain.evaluation import evaluate, status_change
from alarm.domain.lifecycle import TransitionError, acknowledged, cleared
from alarm.domain.rules import Condition, Reading, Rule
from alarm.domain.schedule import Schedule
from alarm.engine.alarms import Cause, fold


def rule(kind: str = "threshold", **kw: Any) -> Rule:
    kw.setdefault("conditions", (Condition("t", "above", 40),))
    return Rule(uuid.uuid4(), 1, "c-1", "r", "hot", "major", kind, device_type="x", **kw)


def reading(value: Any, ts: datetime, key: str = "t") -> Reading:
    return Reading("d-1", "x", "c-1", None, None, None, ts, {key: value}, ts)


T0 = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("cond", "values", "expected"),
    [
        (Condition("t", "above", 40), {"t": 41}, True),
        (Condition("t", "above", 40), {"t": True}, False),  # a boolean is not a number
        (Condition("t", "below", 5), {"t": 4.9}, True),
        (Condition("t", "outside", low=6.5, high=8.5), {"t": 7}, False),
        (Condition("t", "outside", low=6.5, high=8.5), {"t": 9}, True),
        (Condition("t", "between", low=1, high=2), {"t": 1.5}, True),
        (Condition("s", "equals", True), {"s": True}, True),
        (Condition("s", "not_equals", "ok"), {"s": "fault"}, True),
        (Condition("t", "above", 40), {"other": 1}, None),
        (Condition("safetyGrade", "in", ["C", "D"]), {"safetyGrade": "C"}, True),
        (Condition("safetyGrade", "in", ["C", "D"]), {"safetyGrade": "B"}, False),
        (Condition("safetyGrade", "not_in", ["A", "B"]), {"safetyGrade": "D"}, True),
    ],
)
def test_conditions(cond: Condition, values: dict[str, Any], expected: bool | None) -> None:
    assert cond.holds(values) == expected


def test_nights_only_in_shanghai_crosses_midnight() -> None:
    nights = Schedule.of(
        {"timezone": "Asia/Shanghai", "windows": [{"start": "22:00", "end": "06:00"}]}
    )
    # 14:30 UTC = 22:30 in Shanghai; 21:00 UTC = 05:00; 02:00 UTC = 10:00
    assert nights.active_at(datetime(2026, 5, 1, 14, 30, tzinfo=UTC))
    assert nights.active_at(datetime(2026, 5, 1, 21, 0, tzinfo=UTC))
    assert not nights.active_at(datetime(2026, 5, 2, 2, 0, tzinfo=UTC))
    weekdays = Schedule.of(
        {"timezone": "UTC", "windows": [{"start": "22:00", "end": "02:00", "days": [4]}]}
    )
    friday_night, saturday_early = (
        datetime(2026, 5, 1, 23, tzinfo=UTC),
        datetime(2026, 5, 2, 1, tzinfo=UTC),
    )
    assert weekdays.active_at(friday_night) and weekdays.active_at(saturday_early)
    assert not weekdays.active_at(saturday_early + timedelta(days=1))


def test_duration_ignores_a_redelivered_reading() -> None:
    r = rule("duration", duration_s=60)
    s1 = evaluate(r, {}, reading(50, T0))
    assert s1.decision is None and s1.due_at == T0 + timedelta(seconds=60)
    again = evaluate(r, s1.state, reading(50, T0))  # the same reading, redelivered
    assert again.decision is None and not again.changed
    s2 = evaluate(r, s1.state, reading(51, T0 + timedelta(seconds=60)))
    assert s2.decision is not None and s2.decision.action == "raise"
    s3 = evaluate(r, s2.state, reading(20, T0 + timedelta(seconds=61)))
    assert s3.decision is not None and s3.decision.action == "clear"


def test_repeating_counts_within_the_window_only() -> None:
    r = rule("repeating", repeat_count=3, window_s=10)
    state: dict[str, Any] = {}
    decisions = []
    for seconds in (0, 5, 20, 25, 28):
        step = evaluate(r, state, reading(50, T0 + timedelta(seconds=seconds)))
        state = step.state
        decisions.append(step.decision.action if step.decision else None)
    assert decisions == [None, None, None, None, "raise"]


def test_no_auto_clear_keeps_the_alarm() -> None:
    r = rule(auto_clear=False)
    raised = evaluate(r, {}, reading(50, T0))
    assert raised.decision is not None and raised.decision.action == "raise"
    calm = evaluate(r, raised.state, reading(10, T0 + timedelta(seconds=1)))
    assert calm.decision is None


def test_offline_and_back() -> None:
    r = rule("inactivity", offline=True, conditions=())
    down = status_change(r, {}, online=False, at=T0)
    assert down.decision is not None and down.decision.action == "raise"
    assert status_change(r, down.state, online=False, at=T0).decision is None
    up = status_change(r, down.state, online=True, at=T0)
    assert up.decision is not None and up.decision.action == "clear"


def test_lifecycle_transitions() -> None:
    assert acknowledged("active_unack") == "active_ack"
    assert acknowledged("cleared_unack") == "cleared_ack"
    assert cleared("active_ack") == "cleared_ack"
    with pytest.raises(TransitionError):
        cleared("cleared_unack")


def test_fold_one_cause_most_severe_wins() -> None:
    def cause(severity: str, count: int) -> Cause:
        return Cause("hot", severity, "device", "d-1", "c-1", T0, "t", count=count)

    (one,) = fold([cause("minor", 2), cause("critical", 3)])
    assert (one.severity, one.count) == ("critical", 5)


def test_an_offline_only_rule_writes_nothing_for_ordinary_readings() -> None:
    r = rule("inactivity", offline=True, conditions=())
    first = evaluate(r, {}, reading(1, T0))
    assert first.changed and first.state["place"]["community_id"] == "c-1"
    again = evaluate(r, first.state, reading(2, T0 + timedelta(seconds=5)))
    assert not again.changed and again.decision is None
