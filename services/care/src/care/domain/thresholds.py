"""Per-person reference ranges and breach episodes (pure).

A person's range for a kind is the doctor's when one is set, else the default for their
age (defaults are screening ranges, not a diagnosis; a doctor narrows or widens them per
person). A reading outside the range is a breach.

Breaches are grouped into **episodes** so that the people told hear about it once:

- a breach while no episode is open **opens** one: that is the one notification;
- further breaches in the open episode change nothing but its worst value;
- the episode **closes** when a reading is back inside the range by the hysteresis margin
  (a systolic of 148 after a breach of 150 is still "high-ish", not recovered), or when no
  breach has been seen for ``stale_after`` and the next reading is normal;
- a breach after ``stale_after`` without any breach closes the old episode and opens a new
  one (a high reading tomorrow is news again);
- a reading older than the last one seen (a device sending its backlog) is recorded but
  does not move the episode.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from care.domain.vitals import SPECS, VitalKind, VitalReading, format_values


@dataclass(frozen=True)
class Range:
    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise ValueError("the low end of a range must be below the high end")

    def side(self, value: float) -> Direction | None:
        if self.low is not None and value < self.low:
            return Direction.LOW
        if self.high is not None and value > self.high:
            return Direction.HIGH
        return None

    def within_by(self, value: float, margin: float) -> bool:
        return (self.low is None or value >= self.low + margin) and (
            self.high is None or value <= self.high - margin
        )


class Direction(StrEnum):
    LOW = "low"
    HIGH = "high"


class ThresholdOrigin(StrEnum):
    DEFAULT = "default"  # by age
    DOCTOR = "doctor"  # set for this person


@dataclass(frozen=True)
class Threshold:
    kind: VitalKind
    ranges: Mapping[str, Range]  # by component key
    origin: ThresholdOrigin = ThresholdOrigin.DEFAULT
    set_by: str | None = None  # the doctor's user id

    def describe(self) -> str:
        """``90–150/60–90`` (blood pressure), ``≥94``, ``35.5–37.3``."""
        spec = SPECS[self.kind]
        parts = []
        for c in spec.components:
            r = self.ranges.get(c.key, Range())
            lo = None if r.low is None else f"{r.low:.{spec.decimals}f}"
            hi = None if r.high is None else f"{r.high:.{spec.decimals}f}"
            parts.append(f"{lo}–{hi}" if lo and hi else f"≥{lo}" if lo else f"≤{hi}" if hi else "")
        return "/".join(parts)


# How far back inside the range a reading must be to end an episode, per kind.
HYSTERESIS: Mapping[VitalKind, float] = {
    VitalKind.BLOOD_PRESSURE: 5.0,
    VitalKind.HEART_RATE: 5.0,
    VitalKind.GLUCOSE: 0.3,
    VitalKind.SPO2: 1.0,
    VitalKind.TEMPERATURE: 0.2,
    VitalKind.WEIGHT: 1.0,
}
STALE_AFTER = timedelta(hours=12)


def default_thresholds(age_years: int) -> dict[VitalKind, Threshold]:
    """Screening ranges by age (Chinese adult and elderly guidance; simplified for children).

    Elders (65+) get a systolic ceiling of 150 (the elderly hypertension target) and an
    SpO2 floor of 93; fever is above 37.3 ℃ for everyone. Weight has no default range.
    """
    bp = (
        (Range(80, 120), Range(50, 80))
        if age_years < 18
        else (Range(90, 140), Range(60, 90))
        if age_years < 65
        else (Range(90, 150), Range(60, 90))
    )
    hr = (
        Range(100, 160)
        if age_years < 1
        else Range(80, 140)
        if age_years < 6
        else Range(70, 120)
        if age_years < 12
        else Range(50, 100)
    )
    return {
        VitalKind.BLOOD_PRESSURE: Threshold(
            VitalKind.BLOOD_PRESSURE, {"systolic": bp[0], "diastolic": bp[1]}
        ),
        VitalKind.HEART_RATE: Threshold(VitalKind.HEART_RATE, {"value": hr}),
        VitalKind.GLUCOSE: Threshold(VitalKind.GLUCOSE, {"value": Range(3.9, 11.1)}),
        VitalKind.SPO2: Threshold(VitalKind.SPO2, {"value": Range(93 if age_years >= 65 else 94)}),
        VitalKind.TEMPERATURE: Threshold(VitalKind.TEMPERATURE, {"value": Range(35.5, 37.3)}),
    }


def threshold_for(
    kind: VitalKind, age_years: int, doctor_set: Mapping[VitalKind, Threshold] | None = None
) -> Threshold | None:
    """The doctor's range for this person when set, else the default for the age."""
    if doctor_set and kind in doctor_set:
        return doctor_set[kind]
    return default_thresholds(age_years).get(kind)


@dataclass(frozen=True)
class Deviation:
    component: str
    value: float
    range: Range
    direction: Direction


@dataclass(frozen=True)
class Assessment:
    reading: VitalReading
    threshold: Threshold | None
    deviations: tuple[Deviation, ...]

    @property
    def breach(self) -> bool:
        return bool(self.deviations)

    @property
    def direction(self) -> Direction | None:
        return self.deviations[0].direction if self.deviations else None


def assess(reading: VitalReading, threshold: Threshold | None) -> Assessment:
    if threshold is None:
        return Assessment(reading, None, ())
    out = []
    for key, value in reading.values.items():
        rng = threshold.ranges.get(key)
        side = rng.side(value) if rng else None
        if rng is not None and side is not None:
            out.append(Deviation(key, value, rng, side))
    return Assessment(reading, threshold, tuple(out))


@dataclass(frozen=True)
class Episode:
    """An open run of breaches of one kind for one person."""

    person_id: str
    kind: VitalKind
    opened_at: datetime
    last_breach_at: datetime
    last_seen_at: datetime
    direction: Direction
    first_values: Mapping[str, float]
    worst_values: Mapping[str, float]
    readings: int = 1

    def worst_display(self) -> str:
        return format_values(self.kind, self.worst_values)


class Change(StrEnum):
    OPENED = "opened"  # tell the people the consent names
    CONTINUED = "continued"
    CLOSED = "closed"
    NONE = "none"


@dataclass(frozen=True)
class Step:
    change: Change
    episode: Episode | None  # the open episode after the step (None when none is open)
    closed: Episode | None = None  # the episode this step closed, if any
    assessment: Assessment | None = None


def step(
    episode: Episode | None,
    assessment: Assessment,
    *,
    hysteresis: float | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> Step:
    """Move one person's episode of one kind by one assessed reading."""
    r = assessment.reading
    margin = HYSTERESIS[r.kind] if hysteresis is None else hysteresis
    if episode is not None and r.at < episode.last_seen_at:
        return Step(Change.NONE, episode, assessment=assessment)  # backlog: recorded only
    if episode is None:
        if not assessment.breach:
            return Step(Change.NONE, None, assessment=assessment)
        return Step(Change.OPENED, _open(assessment), assessment=assessment)
    stale = r.at - episode.last_breach_at > stale_after
    if assessment.breach:
        if stale:
            return Step(Change.OPENED, _open(assessment), closed=episode, assessment=assessment)
        return Step(Change.CONTINUED, _worsen(episode, assessment), assessment=assessment)
    threshold = assessment.threshold
    recovered = threshold is None or all(
        threshold.ranges[k].within_by(v, margin)
        for k, v in r.values.items()
        if k in threshold.ranges
    )
    if recovered or stale:
        return Step(
            Change.CLOSED, None, closed=replace(episode, last_seen_at=r.at), assessment=assessment
        )
    return Step(Change.CONTINUED, replace(episode, last_seen_at=r.at), assessment=assessment)


def _open(a: Assessment) -> Episode:
    r = a.reading
    direction = a.direction or Direction.HIGH
    return Episode(r.person_id, r.kind, r.at, r.at, r.at, direction, dict(r.values), dict(r.values))


def _worsen(e: Episode, a: Assessment) -> Episode:
    r = a.reading
    worst = dict(e.worst_values)
    for d in a.deviations:
        if d.direction is not e.direction:
            continue
        old = worst.get(d.component)
        if old is None or (d.value > old if d.direction is Direction.HIGH else d.value < old):
            worst[d.component] = d.value
    return replace(
        e, last_breach_at=r.at, last_seen_at=r.at, worst_values=worst, readings=e.readings + 1
    )


class ThresholdError(ValueError):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def doctor_threshold(
    kind: VitalKind | str,
    ranges: Mapping[str, tuple[float | None, float | None]],
    doctor: str,
) -> Threshold:
    """A range a doctor sets for one person: every component of the kind, each end within
    what is possible for it, low below high, at least one end given."""
    try:
        kind = VitalKind(kind)
    except ValueError:
        raise ThresholdError(
            "care.vital_kind_unknown",
            "不支持的体征类型。",
            "This kind of vital sign is not supported.",
        ) from None
    spec = SPECS[kind]
    if set(ranges) != {c.key for c in spec.components}:
        raise ThresholdError(
            "care.threshold_components",
            f"{spec.name_zh}的范围须包含：" + "、".join(c.name_zh for c in spec.components) + "。",
            f"A {spec.name_en} range needs: " + ", ".join(c.name_en for c in spec.components) + ".",
        )
    out: dict[str, Range] = {}
    for c in spec.components:
        low, high = ranges[c.key]
        if low is None and high is None:
            raise ThresholdError(
                "care.threshold_empty", f"请设置{c.name_zh}的上限或下限。",
                f"Give a lower or an upper limit for {c.name_en}.",
            )  # fmt: skip
        for v in (low, high):
            if v is not None and not c.low <= v <= c.high:
                raise ThresholdError(
                    "care.threshold_implausible",
                    f"{c.name_zh}的范围超出可能的数值。",
                    f"The {c.name_en} range is outside possible values.",
                )
        try:
            out[c.key] = Range(low, high)
        except ValueError:
            raise ThresholdError(
                "care.threshold_order",
                "下限须低于上限。",
                "The lower limit must be below the upper.",
            ) from None
    return Threshold(kind, out, ThresholdOrigin.DOCTOR, doctor)
