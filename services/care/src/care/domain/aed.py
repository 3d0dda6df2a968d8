"""AED and first-aid points (AED 与急救点) and the nearest one from a position (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo

from care.domain.geo import check_position, distance_m

WALK_M_PER_MIN = 80.0  # an adult walking briskly


class PointKind(StrEnum):
    AED = "aed"
    FIRST_AID = "first_aid"  # first-aid kit / station


@dataclass(frozen=True)
class AidPoint:
    id: str
    kind: PointKind
    name: str  # 幸福里社区服务中心一楼大厅
    lat: float
    lng: float
    in_service: bool = True  # False: battery or pads expired, under maintenance
    opens: time | None = None  # None: around the clock
    closes: time | None = None

    def __post_init__(self) -> None:
        check_position(self.lat, self.lng)
        if (self.opens is None) != (self.closes is None):
            raise ValueError("give both opening and closing times, or neither")

    def open_at(self, at: datetime, tz: ZoneInfo) -> bool:
        if self.opens is None or self.closes is None:
            return True
        t = at.astimezone(tz).time()
        if self.opens <= self.closes:
            return self.opens <= t < self.closes
        return t >= self.opens or t < self.closes  # overnight


@dataclass(frozen=True)
class Nearby:
    point: AidPoint
    distance_m: float

    @property
    def walk_minutes(self) -> int:
        return max(1, round(self.distance_m / WALK_M_PER_MIN))

    def words(self) -> tuple[str, str]:
        d = round(self.distance_m)
        return (
            f"{self.point.name}，约{d}米，步行约{self.walk_minutes}分钟",
            f"{self.point.name}, about {d} m, {self.walk_minutes} min on foot",
        )


def nearest(
    points: Iterable[AidPoint],
    lat: float,
    lng: float,
    at: datetime,
    *,
    kind: PointKind | None = PointKind.AED,
    limit: int = 3,
    within_m: float | None = None,
    tz: ZoneInfo = ZoneInfo("Asia/Shanghai"),
) -> list[Nearby]:
    """The closest usable points (in service and open now), nearest first."""
    check_position(lat, lng)
    found = [
        Nearby(p, distance_m(lat, lng, p.lat, p.lng))
        for p in points
        if (kind is None or p.kind is kind) and p.in_service and p.open_at(at, tz)
    ]
    if within_m is not None:
        found = [n for n in found if n.distance_m <= within_m]
    found.sort(key=lambda n: (n.distance_m, n.point.id))
    return found[:limit]
