"""Thresholds by age and by the doctor; episodes: once per episode, hysteresis, staleness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from care.domain.thresholds import (
    Change,
    Direction,
    Range,
    Threshold,
    ThresholdOrigin,
    assess,
    default_thresholds,
    step,
    threshold_for,
)
from care.domain.vitals import VitalKind, make_reading

T0 = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)


def bp(sys_: float, dia: float, minutes: float = 0):
    return make_reading(
        "p-1",
        "blood_pressure",
        {"systolic": sys_, "diastolic": dia},
        T0 + timedelta(minutes=minutes),
    )


def test_defaults_depend_on_age():
    adult = default_thresholds(40)[VitalKind.BLOOD_PRESSURE]
    elder = default_thresholds(78)[VitalKind.BLOOD_PRESSURE]
    child = default_thresholds(8)[VitalKind.HEART_RATE]
    assert adult.ranges["systolic"] == Range(90, 140)
    assert elder.ranges["systolic"] == Range(90, 150)
    assert child.ranges["value"] == Range(70, 120)
    assert default_thresholds(78)[VitalKind.SPO2].ranges["value"] == Range(93)
    assert VitalKind.WEIGHT not in default_thresholds(40)
    assert elder.describe() == "90–150/60–90"
    assert default_thresholds(78)[VitalKind.SPO2].describe() == "≥93"


def test_the_doctor_s_range_wins_over_the_default():
    mine = Threshold(
        VitalKind.BLOOD_PRESSURE,
        {"systolic": Range(90, 135), "diastolic": Range(60, 85)},
        ThresholdOrigin.DOCTOR,
        "u-doctor",
    )
    t = threshold_for(VitalKind.BLOOD_PRESSURE, 78, {VitalKind.BLOOD_PRESSURE: mine})
    assert t is mine
    assert assess(bp(140, 80), t).breach
    assert not assess(bp(140, 80), threshold_for(VitalKind.BLOOD_PRESSURE, 78)).breach


def test_a_range_must_be_ordered():
    with pytest.raises(ValueError, match="below"):
        Range(150, 90)


def test_one_notification_per_episode_with_hysteresis():
    t = default_thresholds(78)[VitalKind.BLOOD_PRESSURE]
    ep = None
    changes = []
    # high, higher, just back under the ceiling (inside the 5 mmHg margin), high again,
    # well back inside, high again
    for i, (s, d) in enumerate([(165, 95), (172, 96), (148, 88), (158, 92), (130, 80), (160, 85)]):
        st = step(ep, assess(bp(s, d, i * 10), t))
        changes.append(st.change)
        ep = st.episode
        if i == 1:
            assert ep is not None
            assert ep.worst_values == {"systolic": 172.0, "diastolic": 96.0}
            assert ep.first_values == {"systolic": 165.0, "diastolic": 95.0}
            assert ep.direction is Direction.HIGH
    assert changes == [
        Change.OPENED,
        Change.CONTINUED,
        Change.CONTINUED,  # 148 is inside the range but within the margin: same episode
        Change.CONTINUED,
        Change.CLOSED,
        Change.OPENED,
    ]
    assert changes.count(Change.OPENED) == 2


def test_normal_readings_open_nothing():
    t = default_thresholds(50)[VitalKind.BLOOD_PRESSURE]
    st = step(None, assess(bp(120, 80), t))
    assert st.change is Change.NONE and st.episode is None


def test_a_breach_after_a_quiet_half_day_is_a_new_episode():
    t = default_thresholds(78)[VitalKind.BLOOD_PRESSURE]
    first = step(None, assess(bp(165, 95), t)).episode
    later = step(first, assess(bp(166, 95, 13 * 60), t))
    assert later.change is Change.OPENED
    assert later.closed == first
    assert later.episode is not None and later.episode.opened_at == T0 + timedelta(hours=13)


def test_a_stale_episode_ends_on_a_normal_reading_inside_the_margin():
    t = default_thresholds(78)[VitalKind.BLOOD_PRESSURE]
    first = step(None, assess(bp(165, 95), t)).episode
    st = step(first, assess(bp(148, 85, 13 * 60), t))
    assert st.change is Change.CLOSED


def test_a_backlog_reading_does_not_move_the_episode():
    t = default_thresholds(78)[VitalKind.BLOOD_PRESSURE]
    ep = step(None, assess(bp(165, 95, 30), t)).episode
    st = step(ep, assess(bp(120, 80, 10), t))  # measured before the open breach
    assert st.change is Change.NONE and st.episode == ep


def test_low_readings_open_low_episodes():
    t = default_thresholds(78)[VitalKind.SPO2]
    r = make_reading("p-1", "spo2", {"value": 89}, T0)
    st = step(None, assess(r, t))
    assert st.change is Change.OPENED and st.episode.direction is Direction.LOW
    back = make_reading("p-1", "spo2", {"value": 93.5}, T0 + timedelta(minutes=5))
    assert step(st.episode, assess(back, t)).change is Change.CONTINUED  # 93.5 < 93 + 1
    ok = make_reading("p-1", "spo2", {"value": 96}, T0 + timedelta(minutes=6))
    assert step(st.episode, assess(ok, t)).change is Change.CLOSED
