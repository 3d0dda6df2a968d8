"""Reporting periods: day, month, quarter, year, in the community's local time.

A figure belongs to the period that contains the moment that decides it (a rating to the
day it was given, a resolution time to the day the case was resolved), read in China
Standard Time: a case resolved at 23:30 on the last day of a month (local) counts in that
month even though it is already the next day in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Granularity(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


GRANULARITIES = (Granularity.DAY, Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR)


@dataclass(frozen=True, order=True)
class Period:
    """One period: its granularity and the local date it starts on."""

    granularity: Granularity
    start: date

    def __post_init__(self) -> None:
        if _start_of(self.granularity, self.start) != self.start:
            raise ValueError(f"{self.start} does not start a {self.granularity}")

    @property
    def end(self) -> date:
        """The first day after the period."""
        return _shift(self.granularity, self.start, 1)

    @property
    def key(self) -> str:
        """Stable text form: 2026-11-03, 2026-11, 2026-Q4, 2026."""
        s = self.start
        match self.granularity:
            case Granularity.DAY:
                return s.isoformat()
            case Granularity.MONTH:
                return f"{s.year:04d}-{s.month:02d}"
            case Granularity.QUARTER:
                return f"{s.year:04d}-Q{(s.month - 1) // 3 + 1}"
            case _:
                return f"{s.year:04d}"

    def label(self, locale: str = "zh-CN") -> str:
        """How a person names the period: 2026年11月 / November 2026."""
        s = self.start
        zh = locale.lower().startswith("zh")
        match self.granularity:
            case Granularity.DAY:
                return f"{s.year}年{s.month}月{s.day}日" if zh else s.strftime("%-d %B %Y")
            case Granularity.MONTH:
                return f"{s.year}年{s.month}月" if zh else s.strftime("%B %Y")
            case Granularity.QUARTER:
                q = (s.month - 1) // 3 + 1
                return f"{s.year}年第{q}季度" if zh else f"Q{q} {s.year}"
            case _:
                return f"{s.year}年" if zh else str(s.year)

    def previous(self) -> Period:
        return Period(self.granularity, _shift(self.granularity, self.start, -1))

    def next(self) -> Period:
        return Period(self.granularity, self.end)

    def contains(self, moment: datetime) -> bool:
        return self.start <= local_date(moment) < self.end

    def days(self) -> list[Period]:
        """The days of the period, in order."""
        out, d = [], self.start
        while d < self.end:
            out.append(Period(Granularity.DAY, d))
            d += timedelta(days=1)
        return out


def local_date(moment: datetime) -> date:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment must carry its time zone")
    return moment.astimezone(LOCAL_TZ).date()


def period_of(moment: datetime, granularity: Granularity) -> Period:
    return Period(granularity, _start_of(granularity, local_date(moment)))


def periods_of(moment: datetime) -> tuple[Period, ...]:
    """The day, month, quarter and year that contain ``moment`` (local time)."""
    day = local_date(moment)
    return tuple(Period(g, _start_of(g, day)) for g in GRANULARITIES)


def parse_period(key: str) -> Period:
    """Inverse of :attr:`Period.key`; raises ValueError on anything else."""
    text = key.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return Period(Granularity.YEAR, date(int(text), 1, 1))
        if len(text) == 7 and text[4:6] == "-Q" and text[6] in "1234":
            return Period(Granularity.QUARTER, date(int(text[:4]), 3 * int(text[6]) - 2, 1))
        if len(text) == 7 and text[4] == "-":
            return Period(Granularity.MONTH, date(int(text[:4]), int(text[5:7]), 1))
        if len(text) == 10:
            return Period(Granularity.DAY, date.fromisoformat(text))
    except ValueError:
        pass
    raise ValueError(f"not a period: {key!r} (expected 2026-11-03, 2026-11, 2026-Q4 or 2026)")


def _start_of(granularity: Granularity, day: date) -> date:
    match granularity:
        case Granularity.DAY:
            return day
        case Granularity.MONTH:
            return day.replace(day=1)
        case Granularity.QUARTER:
            return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        case _:
            return date(day.year, 1, 1)


def _shift(granularity: Granularity, start: date, steps: int) -> date:
    if granularity is Granularity.DAY:
        return start + timedelta(days=steps)
    months = {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}[granularity]
    index = start.year * 12 + (start.month - 1) + steps * months
    return date(index // 12, index % 12 + 1, 1)
