"""The periods an agreement's records cover: days or months in Beijing time (the time every
period of the platform is read in)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from gov_affairs.domain.exchange.agreements import Frequency

TZ = ZoneInfo("Asia/Shanghai")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class Period:
    frequency: Frequency
    first: date  # the first day

    @property
    def key(self) -> str:
        if self.frequency == Frequency.DAILY:
            return self.first.isoformat()
        return f"{self.first.year:04d}-{self.first.month:02d}"

    @property
    def after(self) -> date:
        """The day after the last day."""
        if self.frequency == Frequency.DAILY:
            return self.first + timedelta(days=1)
        year, month = divmod(self.first.year * 12 + self.first.month, 12)
        return date(year, month + 1, 1)

    @property
    def last(self) -> date:
        return self.after - timedelta(days=1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time(), TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.after, datetime.min.time(), TZ)

    def covered_by(self, valid_from: date, valid_to: date | None) -> bool:
        """Whether the whole period lies in the agreement's validity (both days included)."""
        return self.first >= valid_from and (valid_to is None or self.last <= valid_to)


def local_day(at: datetime) -> date:
    return at.astimezone(TZ).date()


def due(now: datetime, frequency: Frequency) -> Period:
    """The last period that has ended at ``now``: yesterday, or last month."""
    today = local_day(now)
    if frequency == Frequency.DAILY:
        return Period(frequency, today - timedelta(days=1))
    previous = today.replace(day=1) - timedelta(days=1)
    return Period(frequency, previous.replace(day=1))


def parse(key: str, frequency: Frequency) -> Period | None:
    """The period ``key`` names (YYYY-MM-DD daily, YYYY-MM monthly); None when it does not."""
    try:
        if frequency == Frequency.DAILY and _DAY.match(key):
            return Period(frequency, date.fromisoformat(key))
        if frequency == Frequency.MONTHLY and _MONTH.match(key):
            return Period(frequency, date.fromisoformat(f"{key}-01"))
    except ValueError:
        return None
    return None
