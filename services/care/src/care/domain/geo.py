"""Positions on the earth: distances, circles and polygons in metres (pure).

Distances are haversine. Areas are a circle (centre and radius) or a polygon of
(latitude, longitude) points; containment and the signed distance to an area's edge are
computed in a local plane around the area (equirectangular, metres), which is exact to
well under a metre at the size of a community or a city district. Polygons are checked by
``shapely`` (at least three corners, no self-intersection).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from shapely.geometry import Point, Polygon
from shapely.prepared import PreparedGeometry, prep

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def check_position(lat: float, lng: float) -> None:
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or math.isnan(lat) or math.isnan(lng):
        raise ValueError("latitude must be within ±90 and longitude within ±180")


@dataclass(frozen=True)
class Circle:
    lat: float
    lng: float
    radius_m: float

    def __post_init__(self) -> None:
        check_position(self.lat, self.lng)
        if not self.radius_m > 0:
            raise ValueError("a circle needs a positive radius")

    def signed_distance_m(self, lat: float, lng: float) -> float:
        """Negative inside (how far from the edge), positive outside."""
        return distance_m(self.lat, self.lng, lat, lng) - self.radius_m

    def contains(self, lat: float, lng: float) -> bool:
        return self.signed_distance_m(lat, lng) <= 0


@dataclass(frozen=True)
class PolygonArea:
    points: tuple[tuple[float, float], ...]  # (lat, lng), closed or not
    _origin: tuple[float, float] = field(init=False, repr=False, compare=False)
    _shape: Polygon = field(init=False, repr=False, compare=False)
    _prepared: PreparedGeometry = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pts = list(self.points)
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts = pts[:-1]
        if len(set(pts)) < 3:
            raise ValueError("a polygon needs at least three distinct corners")
        for lat, lng in pts:
            check_position(lat, lng)
        origin = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
        object.__setattr__(self, "_origin", origin)
        shape = Polygon([self._xy(lat, lng) for lat, lng in pts])
        if not shape.is_valid:
            raise ValueError("a polygon's edges must not cross")
        object.__setattr__(self, "_shape", shape)
        object.__setattr__(self, "_prepared", prep(shape))

    def _xy(self, lat: float, lng: float) -> tuple[float, float]:
        lat0, lng0 = self._origin
        k = math.pi / 180 * EARTH_RADIUS_M
        return ((lng - lng0) * k * math.cos(math.radians(lat0)), (lat - lat0) * k)

    def contains(self, lat: float, lng: float) -> bool:
        return bool(self._prepared.covers(Point(self._xy(lat, lng))))

    def signed_distance_m(self, lat: float, lng: float) -> float:
        p = Point(self._xy(lat, lng))
        d = float(self._shape.exterior.distance(p))
        return -d if self._prepared.covers(p) else d


Area = Circle | PolygonArea
