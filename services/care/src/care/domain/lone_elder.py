"""The watch over people living alone (独居老人关爱): anomalies in a household's water and
electricity use (pure).

Input is what meters report: a cumulative counter (m³, kWh) at instants. Three rules, each
with per-person parameters:

- **meter silent** (``meter_silent``): no reading from the household's meter for
  ``silent_hours`` (default a day). Nobody knows whether water is drawn: someone checks.
- **no water drawn** (``no_water``): the longest stretch of the local daytime
  (``day_start``–``day_end``) in which the water counter did not move is at least
  ``no_water_hours``. Two readings with the same counter prove nothing was drawn between
  them, however far apart; a counter that moved means something was drawn somewhere in
  between. Evaluated while the day goes on, so an elder who has not turned a tap since
  07:00 is noticed in the afternoon, not the next morning.
- **unusual day** (``unusual_day``): a completed day's total, water or electricity, far
  from the household's usual: a robust z-score against the median and MAD of the previous
  days (at least ``min_baseline_days``), beyond ``deviation_k`` either way (much less: no
  one cooking or washing; much more: a tap left running, a heater left on).

Each rule fires at most once per household, utility and local day (the anomaly's ``key``).
A check-on visit that finds a false alarm loosens that rule for the person
(:meth:`WatchParams.after_false_alarm`), up to a ceiling, and says so.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


class Utility(StrEnum):
    WATER = "water"
    ELECTRICITY = "electricity"


class Rule(StrEnum):
    METER_SILENT = "meter_silent"
    NO_WATER = "no_water"
    UNUSUAL_DAY = "unusual_day"


@dataclass(frozen=True)
class Sample:
    ts: datetime
    counter: float


@dataclass(frozen=True)
class WatchParams:
    day_start: time = time(7, 0)
    day_end: time = time(22, 0)
    no_water_hours: float = 8.0
    silent_hours: float = 24.0
    deviation_k: float = 3.5
    min_baseline_days: int = 7
    idle_epsilon: float = 0.001  # m³ (one litre) or kWh below which a counter "did not move"
    false_alarms: int = 0
    enabled: frozenset[Rule] = frozenset(Rule)

    def __post_init__(self) -> None:
        if self.day_start >= self.day_end:
            raise ValueError("the day must start before it ends")
        if self.no_water_hours <= 0 or self.silent_hours <= 0 or self.deviation_k <= 0:
            raise ValueError("hours and the deviation factor must be positive")

    def after_false_alarm(self, rule: Rule) -> WatchParams:
        """Loosen ``rule`` one step after a check-on visit found nothing wrong."""
        n = self.false_alarms + 1
        if rule is Rule.NO_WATER:
            day = _hours_between(self.day_start, self.day_end)
            return replace(self, no_water_hours=min(self.no_water_hours + 2, day), false_alarms=n)
        if rule is Rule.UNUSUAL_DAY:
            return replace(self, deviation_k=min(self.deviation_k + 0.5, 6.0), false_alarms=n)
        return replace(self, silent_hours=min(self.silent_hours + 12, 72.0), false_alarms=n)


def _hours_between(a: time, b: time) -> float:
    return (b.hour - a.hour) + (b.minute - a.minute) / 60


@dataclass(frozen=True)
class Anomaly:
    household_id: str
    rule: Rule
    utility: Utility
    day: date  # the local day it is about
    detected_at: datetime
    hours: float | None = None  # silent / idle hours
    total: float | None = None  # the day's use
    usual: float | None = None  # the usual day's use (median)
    z: float | None = None
    since: datetime | None = None  # last reading (silent) or start of the idle stretch

    @property
    def key(self) -> str:
        return f"{self.household_id}:{self.rule}:{self.utility}:{self.day.isoformat()}"

    @property
    def direction(self) -> str | None:
        if self.z is None:
            return None
        return "low" if self.z < 0 else "high"


def _day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tz)
    return start, datetime.combine(day + timedelta(days=1), time(0), tz)


def longest_idle(
    samples: Sequence[Sample], start: datetime, end: datetime, epsilon: float
) -> tuple[float, datetime | None]:
    """Hours of the longest stretch within [start, end) proven idle, and when it began.

    ``samples`` sorted by time. Consecutive samples whose counter moved less than
    ``epsilon`` make an idle interval; touching idle intervals join.
    """
    best, best_start = 0.0, None
    run_start: datetime | None = None
    run_end: datetime | None = None
    for a, b in itertools.pairwise(samples):
        lo, hi = max(a.ts, start), min(b.ts, end)
        idle = b.counter - a.counter < epsilon
        if not idle or hi <= lo:
            if idle and hi <= lo:
                continue  # outside the window, neither breaks nor extends a run
            run_start = run_end = None
            continue
        if run_end is not None and lo <= run_end:
            run_end = max(run_end, hi)
        else:
            run_start, run_end = lo, hi
        assert run_start is not None
        hours = (run_end - run_start).total_seconds() / 3600
        if hours > best:
            best, best_start = hours, run_start
    return best, best_start


def _counter_at(samples: Sequence[Sample], at: datetime) -> float | None:
    """The counter at ``at``, interpolated between the readings around it."""
    prev: Sample | None = None
    for s in samples:
        if s.ts == at:
            return s.counter
        if s.ts > at:
            if prev is None:
                return None
            span = (s.ts - prev.ts).total_seconds()
            frac = (at - prev.ts).total_seconds() / span
            return prev.counter + (s.counter - prev.counter) * frac
        prev = s
    return None


def day_total(samples: Sequence[Sample], day: date, tz: ZoneInfo = DEFAULT_TZ) -> float | None:
    """Use in the local day: the counter at its end minus at its start (interpolated), or,
    when the readings do not reach round the day, between its first and last reading
    (None with fewer than two). A counter that went back (a replaced meter) gives None."""
    start, end = _day_bounds(day, tz)
    a = _counter_at(samples, start)
    b = _counter_at(samples, end)
    if a is None or b is None:
        inside = [s for s in samples if start <= s.ts < end]
        if len(inside) < 2:
            return None
        a = inside[0].counter if a is None else a
        b = inside[-1].counter if b is None else b
    total = b - a
    return None if total < 0 else total


@dataclass(frozen=True)
class Baseline:
    median: float
    mad: float
    days: int

    @classmethod
    def of(cls, totals: Iterable[float]) -> Baseline:
        values = [t for t in totals if t is not None and math.isfinite(t)]
        if not values:
            return cls(0.0, 0.0, 0)
        med = statistics.median(values)
        return cls(med, statistics.median(abs(v - med) for v in values), len(values))

    def z(self, value: float) -> float:
        # the spread is at least 10% of the usual day (and a litre / a tenth of a kWh), so a
        # household with very regular days is not flagged for an ordinary wobble
        scale = max(1.4826 * self.mad, 0.1 * self.median, 0.01)
        return (value - self.median) / scale


def scan(
    household_id: str,
    meters: Mapping[Utility, Sequence[Sample]],
    params: WatchParams,
    now: datetime,
    *,
    baselines: Mapping[Utility, Baseline] | None = None,
    completed_day: date | None = None,
    tz: ZoneInfo = DEFAULT_TZ,
) -> list[Anomaly]:
    """Anomalies of one household as of ``now``.

    ``meters``: each utility's samples, sorted, covering at least today (and
    ``completed_day`` when given). ``completed_day``: a finished day to compare with the
    baselines (the nightly run passes yesterday).
    """
    out: list[Anomaly] = []
    today = now.astimezone(tz).date()
    for utility, samples in meters.items():
        last = samples[-1].ts if samples else None
        if Rule.METER_SILENT in params.enabled and last is not None:
            silent = (now - last).total_seconds() / 3600
            if silent >= params.silent_hours:
                out.append(
                    Anomaly(household_id, Rule.METER_SILENT, utility, today, now,
                            hours=round(silent, 1), since=last)
                )  # fmt: skip
        if utility is Utility.WATER and Rule.NO_WATER in params.enabled:
            start = datetime.combine(today, params.day_start, tz)
            end = min(datetime.combine(today, params.day_end, tz), now)
            hours, since = longest_idle(samples, start, end, params.idle_epsilon)
            if hours >= params.no_water_hours:
                out.append(
                    Anomaly(household_id, Rule.NO_WATER, utility, today, now,
                            hours=round(hours, 1), since=since)
                )  # fmt: skip
        base = (baselines or {}).get(utility)
        if (
            completed_day is not None
            and Rule.UNUSUAL_DAY in params.enabled
            and base is not None
            and base.days >= params.min_baseline_days
        ):
            total = day_total(samples, completed_day, tz)
            if total is not None:
                z = base.z(total)
                if abs(z) >= params.deviation_k:
                    out.append(
                        Anomaly(household_id, Rule.UNUSUAL_DAY, utility, completed_day, now,
                                total=round(total, 3), usual=round(base.median, 3),
                                z=round(z, 2))
                    )  # fmt: skip
    return out
