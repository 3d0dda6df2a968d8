"""WGS-84 to GCJ-02 ("Mars coordinates"), for points drawn on Chinese map tiles (pure).

Positions are stored in WGS-84 (GeoJSON's datum, RFC 7946 §4). Map tiles published in
China (AMap/Gaode, Tencent, Google's China tiles) are drawn in GCJ-02, a deliberately
obfuscated datum: a WGS-84 point drawn on them lands some hundreds of metres off.
``wgs84_to_gcj02`` is the well-known public transform (the Krasovsky 1940 ellipsoid
constants and the polynomial/sine series circulating since 2010, as in
googollee/eviltransform and wandergis/coordtransform). No PyPI package for it is
maintained (``eviltransform`` last released 2018, ``coord-convert`` 2019), and it is
forty lines, so it lives here, once. A point outside China's bounding box is returned
unchanged, as every implementation does. Tested against the published reference points
(``libs/core/tests/unit/test_geo.py``).
"""

from __future__ import annotations

import math
from typing import Any

_A = 6378245.0  # Krasovsky 1940 semi-major axis (m)
_EE = 0.00669342162296594323  # Krasovsky 1940 first eccentricity squared


def outside_china(lng: float, lat: float) -> bool:
    """The rough rectangle every implementation uses; outside it GCJ-02 equals WGS-84."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _series_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _series_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """``(lng, lat)`` in WGS-84 to ``(lng, lat)`` in GCJ-02 (GeoJSON's axis order)."""
    if outside_china(lng, lat):
        return lng, lat
    d_lat = _series_lat(lng - 105.0, lat - 35.0)
    d_lng = _series_lng(lng - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return lng + d_lng, lat + d_lat


def geometry_to_gcj02(geometry: dict[str, Any]) -> None:
    """A GeoJSON Point, Polygon or MultiPolygon moved to GCJ-02 in place, every position."""

    def move(coordinates: Any) -> Any:
        if coordinates and isinstance(coordinates[0], int | float):
            return list(wgs84_to_gcj02(coordinates[0], coordinates[1]))
        return [move(c) for c in coordinates]

    geometry["coordinates"] = move(geometry["coordinates"])
