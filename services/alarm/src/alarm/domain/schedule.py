"""When a rule is active: weekly windows in a time zone, e.g. nights only in Asia/Shanghai.

``{"timezone": "Asia/Shanghai", "windows": [{"start": "22:00", "end": "06:00",
"days": [0, 1, 2, 3, 4, 5, 6]}]}``; a window whose end is before its start runs past
midnight (its ``days`` are the days it starts on). Days: 0 Monday ... 6 Sunday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo


def _hm(raw: str) -> time:
    hours, _, minutes = raw.partition(":")
    return time(int(hours) % 24, int(minutes or 0))


@dataclass(frozen=True)
class Window:
    start: time
    end: time
    days: frozenset[int]

    def contains(self, local: datetime) -> bool:
        t = local.time()
        if self.start <= self.end:
            return local.weekday() in self.days and self.start <= t < self.end
        if t >= self.start:  # evening part, on a starting day
            return local.weekday() in self.days
        if t < self.end:  # morning part: the window started the day before
            return (local - timedelta(days=1)).weekday() in self.days
        return False


@dataclass(frozen=True)
class Schedule:
    zone: ZoneInfo
    windows: tuple[Window, ...]

    def active_at(self, at: datetime) -> bool:
        if not self.windows:
            return True
        local = at.astimezone(self.zone)
        return any(w.contains(local) for w in self.windows)

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Schedule:
        windows = tuple(
            Window(
                _hm(str(w["start"])),
                _hm(str(w["end"])),
                frozenset(int(d) for d in w.get("days", range(7))),
            )
            for w in raw.get("windows", [])
        )
        return cls(ZoneInfo(str(raw.get("timezone") or "Asia/Shanghai")), windows)
