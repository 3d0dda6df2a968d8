"""Service points (便民服务网点, 6.4 a): kinds, which take bookings, and the distance
between two coordinates (WGS-84, haversine; the SQL in ``db/points.py`` is the same)."""

from __future__ import annotations

import math

from sc_contracts.events import ServicePointKind

KIND_LABELS: dict[str, tuple[str, str]] = {
    ServicePointKind.REPAIR_STATION: ("便民维修站", "Repair station"),
    ServicePointKind.RECYCLING_POINT: ("再生资源回收点", "Recycling point"),
    ServicePointKind.AGENCY: ("服务机构", "Agency"),
}
BOOKABLE = frozenset({ServicePointKind.REPAIR_STATION, ServicePointKind.AGENCY})
EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def distance_text(metres: float) -> tuple[str, str]:
    """``("850 米", "850 m")`` under a kilometre, ``("1.2 公里", "1.2 km")`` above."""
    if metres < 1000:
        m = int(round(metres / 10.0) * 10)
        return f"{m} 米", f"{m} m"
    km = f"{metres / 1000:.1f}"
    return f"{km} 公里", f"{km} km"
