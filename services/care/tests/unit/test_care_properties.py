"""Properties that must hold for any input (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from care.domain.lone_elder import Sample, longest_idle
from care.domain.questionnaire import load, score
from care.domain.thresholds import Change, assess, default_thresholds, step
from care.domain.vitals import VitalKind, make_reading

T0 = datetime(2026, 12, 3, tzinfo=UTC)
BP = default_thresholds(78)[VitalKind.BLOOD_PRESSURE]

readings = st.lists(
    st.tuples(st.integers(100, 190), st.integers(55, 110), st.integers(1, 900)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=100, deadline=None)
@given(readings)
def test_episodes_open_and_close_only_by_their_own_changes(seq):
    ep, t, opened, breaches = None, T0, 0, 0
    for sys_, dia, gap in seq:
        if sys_ <= dia:
            continue
        t += timedelta(minutes=gap)
        a = assess(make_reading("p", "blood_pressure", {"systolic": sys_, "diastolic": dia}, t), BP)
        s = step(ep, a)
        breaches += a.breach
        if a.breach:
            assert s.episode is not None  # a breach is never left outside an episode
        if ep is None and s.episode is not None:
            assert s.change is Change.OPENED
        if ep is not None and s.episode is None:
            assert s.change is Change.CLOSED
        if s.change is Change.OPENED:
            opened += 1
            # a new episode while one was open only after 12 quiet hours
            assert ep is None or t - ep.last_breach_at > timedelta(hours=12)
        ep = s.episode
    assert opened <= breaches


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 120), st.sampled_from([0.0, 0.0, 0.01])), max_size=40))
def test_idle_time_never_exceeds_the_window_and_use_never_adds_idle(steps):
    samples, t, c = [Sample(T0, 0.0)], T0, 0.0
    for minutes, use in steps:
        t += timedelta(minutes=minutes)
        c += use
        samples.append(Sample(t, c))
    start, end = T0 + timedelta(hours=1), T0 + timedelta(hours=20)
    hours, _ = longest_idle(samples, start, end, 0.001)
    assert 0 <= hours <= 19 + 1e-9
    busier = [Sample(s.ts, s.counter + i * 0.01) for i, s in enumerate(samples)]
    assert longest_idle(busier, start, end, 0.001)[0] == 0.0


PHQ9 = load("phq9")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["0", "1", "2", "3"]), min_size=9, max_size=9))
def test_any_complete_phq9_scores_in_range_with_one_band(codes):
    r = score(PHQ9, {f"q{i + 1}": c for i, c in enumerate(codes)})
    assert 0 <= r.total <= 27 and r.total == sum(int(c) for c in codes)
    assert sum(b.min <= r.total <= b.max for b in PHQ9.bands) == 1
    assert bool(r.flags) == (codes[8] != "0")
