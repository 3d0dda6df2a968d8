"""Lone-elder watch: silent meters, no water in the daytime, unusual days, feedback."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from care.domain.lone_elder import (
    DEFAULT_TZ,
    Baseline,
    Rule,
    Sample,
    Utility,
    WatchParams,
    day_total,
    longest_idle,
    scan,
)
from care.domain.messages import TEMPLATES, anomaly_words

DAY = date(2026, 12, 3)


def at(hh: float, day: date = DAY) -> datetime:
    h, m = int(hh), round((hh - int(hh)) * 60)
    return datetime.combine(day, time(0), DEFAULT_TZ) + timedelta(hours=h, minutes=m)


def series(
    uses: dict[float, float],
    *,
    every: float = 0.25,
    start: float = 0,
    end: float = 24,
    counter: float = 100.0,
    day: date = DAY,
) -> list[Sample]:
    """A reading every ``every`` hours; ``uses`` adds litres-as-m³ at given hours."""
    out, h = [], start
    while h <= end + 1e-9:
        counter += uses.get(round(h, 2), 0.0)
        out.append(Sample(at(h, day), round(counter, 4)))
        h = round(h + every, 4)
    return out


def test_an_active_morning_then_nothing_all_afternoon_is_no_water():
    water = series({7.0: 0.02, 7.5: 0.01, 8.0: 0.03}, end=17.0)
    found = scan("h-1", {Utility.WATER: water}, WatchParams(), at(17.0))
    assert [(a.rule, a.hours) for a in found] == [(Rule.NO_WATER, 9.0)]
    assert found[0].since == at(8.0)
    zh, en = anomaly_words(found[0])
    assert zh == "自12月3日 08:00起已有9小时没有用水"
    assert en == "no water has been used for 9 hours since 3 Dec 08:00"


def test_regular_use_raises_nothing():
    water = series({h: 0.01 for h in (7.0, 9.0, 11.5, 13.0, 15.0, 17.5, 19.0)}, end=20.0)
    assert scan("h-1", {Utility.WATER: water}, WatchParams(), at(20.0)) == []


def test_night_time_idle_hours_do_not_count():
    water = series({6.0: 0.02, 13.0: 0.01}, end=20.0)  # idle 0-6 and 6-13 but only 7-13 daytime
    hours, since = longest_idle(water, at(7.0), at(20.0), 0.001)
    assert hours == pytest.approx(7.0)
    assert since == at(13.0)  # 13:00 to 20:00 is the longer run


def test_two_readings_far_apart_with_the_same_counter_prove_idleness():
    water = [Sample(at(6.0), 10.0), Sample(at(16.0), 10.0)]
    hours, _ = longest_idle(water, at(7.0), at(16.0), 0.001)
    assert hours == pytest.approx(9.0)
    moved = [Sample(at(6.0), 10.0), Sample(at(16.0), 10.5)]
    assert longest_idle(moved, at(7.0), at(16.0), 0.001)[0] == 0.0


def test_a_meter_silent_for_a_day_opens_a_check_and_says_so():
    water = series({}, end=9.0)  # last reading 09:00 on the 3rd
    found = scan("h-7", {Utility.WATER: water}, WatchParams(), at(9.5, DAY + timedelta(days=1)))
    silent = [a for a in found if a.rule is Rule.METER_SILENT]
    assert len(silent) == 1 and silent[0].hours == 24.5 and silent[0].since == at(9.0)
    assert silent[0].day == DAY + timedelta(days=1)
    assert silent[0].key == "h-7:meter_silent:water:2026-12-04"
    zh, en = anomaly_words(silent[0])
    assert zh == "家中水表已有24.5小时没有读数"
    title, body = TEMPLATES["care.watch.anomaly"].render(
        {"person": "李建国", "place": "幸福里社区 1号楼 1单元 101室", "what_zh": zh, "what_en": en}
    )
    assert title == "请关注独居老人李建国"
    assert body.startswith("李建国（幸福里社区 1号楼 1单元 101室）家中水表已有24.5小时没有读数")


def test_day_total_interpolates_at_midnight():
    prev = DAY - timedelta(days=1)
    samples = [Sample(at(23.0, prev), 10.0), Sample(at(1.0), 10.2), Sample(at(23.0), 10.6),
               Sample(at(1.0, DAY + timedelta(days=1)), 10.8)]  # fmt: skip
    assert day_total(samples, DAY) == pytest.approx(10.7 - 10.1)
    assert day_total([Sample(at(9.0), 1.0)], DAY) is None
    assert day_total([Sample(at(9.0), 5.0), Sample(at(10.0), 4.0)], DAY) is None  # new meter


def test_an_unusual_day_against_the_household_s_own_usual():
    base = Baseline.of([0.30, 0.28, 0.33, 0.31, 0.29, 0.32, 0.30])
    quiet = series({8.0: 0.02, 18.0: 0.02})  # 0.04 m³ where 0.30 is usual
    found = scan(
        "h-1",
        {Utility.WATER: quiet},
        WatchParams(enabled=frozenset({Rule.UNUSUAL_DAY})),
        at(0.5, DAY + timedelta(days=1)),
        baselines={Utility.WATER: base},
        completed_day=DAY,
    )
    assert [(a.rule, a.total, a.usual, a.direction) for a in found] == [
        (Rule.UNUSUAL_DAY, 0.04, 0.3, "low")
    ]
    zh, en = anomaly_words(found[0])
    assert zh == "12月3日用水明显偏少（0.04 立方米，平时约 0.3 立方米）"
    assert en.startswith("much less water than usual on 3 Dec")


def test_no_verdict_without_enough_usual_days_or_for_an_ordinary_day():
    short = Baseline.of([0.3, 0.3, 0.3])
    quiet = series({8.0: 0.02})
    p = WatchParams(enabled=frozenset({Rule.UNUSUAL_DAY}))
    now = at(0.5, DAY + timedelta(days=1))
    assert scan("h", {Utility.WATER: quiet}, p, now, baselines={Utility.WATER: short},
                completed_day=DAY) == []  # fmt: skip
    ordinary = series({8.0: 0.15, 19.0: 0.13})
    base = Baseline.of([0.30, 0.28, 0.33, 0.31, 0.29, 0.32, 0.30])
    assert scan("h", {Utility.WATER: ordinary}, p, now, baselines={Utility.WATER: base},
                completed_day=DAY) == []  # fmt: skip


def test_false_alarms_loosen_the_rule_up_to_a_ceiling():
    p = WatchParams()
    p = p.after_false_alarm(Rule.NO_WATER)
    assert p.no_water_hours == 10 and p.false_alarms == 1
    for _ in range(10):
        p = p.after_false_alarm(Rule.NO_WATER)
    assert p.no_water_hours == 15  # the whole 07:00-22:00 day
    assert WatchParams().after_false_alarm(Rule.UNUSUAL_DAY).deviation_k == 4.0
    assert WatchParams().after_false_alarm(Rule.METER_SILENT).silent_hours == 36


def test_parameters_are_checked():
    with pytest.raises(ValueError, match="start before"):
        WatchParams(day_start=time(22), day_end=time(7))
    with pytest.raises(ValueError, match="positive"):
        WatchParams(no_water_hours=0)
