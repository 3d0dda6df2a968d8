"""Activity venues' live status (活动场所实时状态, 6.2.2; pure).

A venue (老年活动室, 阅览室, 棋牌室) has opening hours (or is open around the clock) and a
capacity; its devices say how it is now: a people counter reports ``peopleCount``, a door
contact ``open``. What a resident reads:

- 未开放 (closed): outside the opening hours, or the door contact's fresh word is "closed";
- 暂无实时数据 (no live data): open, but no count for half an hour;
- 空闲 / 适中 / 较拥挤 / 已满 (quiet, moderate, busy, full): the count against the
  capacity (under 30%, under 70%, under 100%, at or over).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo


class Crowd(StrEnum):
    CLOSED = "closed"
    QUIET = "quiet"
    MODERATE = "moderate"
    BUSY = "busy"
    FULL = "full"
    UNKNOWN = "unknown"


CROWD_WORDS = {
    Crowd.CLOSED: ("未开放", "closed"),
    Crowd.QUIET: ("空闲", "quiet"),
    Crowd.MODERATE: ("适中", "moderate"),
    Crowd.BUSY: ("较拥挤", "busy"),
    Crowd.FULL: ("已满", "full"),
    Crowd.UNKNOWN: ("暂无实时数据", "no live data"),
}
STALE_AFTER = timedelta(minutes=30)
MAX_PEOPLE = 100_000


class VenueDeviceKind(StrEnum):
    OCCUPANCY = "occupancy"  # people counter at the door (客流计数器): ``peopleCount``
    DOOR = "door"  # door contact (门磁): ``open``


@dataclass(frozen=True)
class Venue:
    id: str
    name: str  # 老年活动室 / 棋牌室
    capacity: int
    opens: time | None  # None with closes: around the clock
    closes: time | None
    tz: ZoneInfo

    def open_at(self, now: datetime) -> bool:
        if self.opens is None or self.closes is None:
            return True
        local = now.astimezone(self.tz).time()
        if self.opens <= self.closes:
            return self.opens <= local < self.closes
        return local >= self.opens or local < self.closes  # past midnight


@dataclass(frozen=True)
class VenueStatus:
    crowd: Crowd
    people: int | None
    as_of: datetime | None

    def words(self, venue: Venue) -> tuple[str, str]:
        zh, en = CROWD_WORDS[self.crowd]
        if self.people is None or self.crowd in (Crowd.CLOSED, Crowd.UNKNOWN):
            return f"{venue.name}：{zh}", f"{venue.name}: {en}"
        return (
            f"{venue.name}：{zh}（约{self.people}人，可容纳{venue.capacity}人）",
            f"{venue.name}: {en} (about {self.people} of {venue.capacity} people)",
        )


def venue_status(
    venue: Venue, latest: Mapping[str, tuple[datetime, object]], now: datetime
) -> VenueStatus:
    """From the venue devices' latest values: ``peopleCount`` (a people counter) and
    ``open`` (a door or switch). No reading for half an hour: unknown."""
    if not venue.open_at(now):
        return VenueStatus(Crowd.CLOSED, None, None)
    door = latest.get("open")
    if door is not None and now - door[0] <= STALE_AFTER and door[1] is False:
        return VenueStatus(Crowd.CLOSED, None, door[0])
    count = latest.get("peopleCount")
    if count is None or now - count[0] > STALE_AFTER or not isinstance(count[1], int | float):
        return VenueStatus(Crowd.UNKNOWN, None, None)
    people = max(0, int(count[1]))
    share = people / venue.capacity
    crowd = (
        Crowd.FULL
        if share >= 1
        else Crowd.BUSY
        if share >= 0.7
        else Crowd.MODERATE
        if share >= 0.3
        else Crowd.QUIET
    )
    return VenueStatus(crowd, people, count[0])


def reading(kind: VenueDeviceKind, values: Mapping[str, Any]) -> int | bool | None:
    """What one telemetry report of a bound device says (None: nothing it understands)."""
    if kind is VenueDeviceKind.DOOR:
        found = values.get("open")
        return found if isinstance(found, bool) else None
    n = values.get("peopleCount")
    if isinstance(n, bool) or not isinstance(n, int | float) or not 0 <= n <= MAX_PEOPLE:
        return None
    return int(n)
