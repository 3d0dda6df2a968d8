"""Activity venues' live status (活动场所实时状态, 6.2.2; pure).

A venue (老年活动室, 阅览室, 棋牌室) has opening hours and a capacity; its devices say how
it is now: an occupancy counter reports the people inside (``people``, or ``count``), a
door contact whether the door is open (``open``). The status a resident reads:

- ``closed`` (已关闭): outside the opening hours, or the door contact's last word is
  "closed" (the keeper locked up early);
- ``busy`` (人较多): open, and the people now fill at least 80% of the capacity;
- ``open`` (开放中): otherwise.

A count older than :data:`STALE` says nothing about now: the status is then told
without people (``people_now`` is None).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo


class VenueDeviceKind(StrEnum):
    OCCUPANCY = "occupancy"  # people counter at the door (客流计数器)
    DOOR = "door"  # door contact (门磁)


DEVICE_TYPES = {
    VenueDeviceKind.OCCUPANCY: frozenset({"occupancy_counter", "people_counter"}),
    VenueDeviceKind.DOOR: frozenset({"door_contact"}),
}
BUSY_SHARE = 0.8
STALE = timedelta(minutes=30)
MAX_PEOPLE = 100_000

STATUS_WORDS = {
    "open": ("开放中", "open"),
    "busy": ("人较多", "busy"),
    "closed": ("已关闭", "closed"),
}


@dataclass(frozen=True)
class Venue:
    capacity: int
    opens: time | None  # None with closes: around the clock
    closes: time | None
    people: int | None = None
    people_at: datetime | None = None
    door_open: bool | None = None


@dataclass(frozen=True)
class LiveStatus:
    status: str
    people_now: int | None

    def words(self) -> tuple[str, str]:
        return STATUS_WORDS[self.status]


def reading(kind: VenueDeviceKind, values: dict[str, Any]) -> int | bool | None:
    """What one telemetry report says for the venue (None: nothing it understands)."""
    if kind is VenueDeviceKind.DOOR:
        found = values.get("open")
        return found if isinstance(found, bool) else None
    for key in ("people", "count"):
        n = values.get(key)
        if isinstance(n, bool) or not isinstance(n, int | float):
            continue
        if 0 <= n <= MAX_PEOPLE:
            return int(n)
    return None


def within_hours(v: Venue, at: datetime, tz: ZoneInfo) -> bool:
    if v.opens is None or v.closes is None:
        return True
    now = at.astimezone(tz).time()
    if v.opens <= v.closes:
        return v.opens <= now < v.closes
    return now >= v.opens or now < v.closes  # past midnight


def live_status(v: Venue, at: datetime, tz: ZoneInfo) -> LiveStatus:
    fresh = v.people_at is not None and at - v.people_at <= STALE
    people = v.people if fresh else None
    if not within_hours(v, at, tz) or v.door_open is False:
        return LiveStatus("closed", people)
    if people is not None and v.capacity > 0 and people >= BUSY_SHARE * v.capacity:
        return LiveStatus("busy", people)
    return LiveStatus("open", people)


def people_words(live: LiveStatus, capacity: int) -> tuple[str, str]:
    """现有12人（可容纳30人） / people now: 12 (room for 30)."""
    if live.people_now is None:
        return f"可容纳{capacity}人，暂无实时人数", f"room for {capacity}; no live count now"
    return (
        f"现有{live.people_now}人（可容纳{capacity}人）",
        f"people now: {live.people_now} (room for {capacity})",
    )
