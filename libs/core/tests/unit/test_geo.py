"""WGS-84 -> GCJ-02 against the reference points published with googollee/eviltransform
(its test suite: Shanghai, Shenzhen, Beijing), and a point outside China unchanged."""

from __future__ import annotations

import pytest

from sc_core.geo import outside_china, wgs84_to_gcj02

# wgs lat, wgs lng, gcj lat, gcj lng (googollee/eviltransform, python/test.py)
REFERENCE = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize(("wlat", "wlng", "glat", "glng"), REFERENCE)
def test_published_reference_points(wlat: float, wlng: float, glat: float, glng: float) -> None:
    lng, lat = wgs84_to_gcj02(wlng, wlat)
    # 1e-6 degrees is about 0.1 m; the offsets themselves are hundreds of metres
    assert lng == pytest.approx(glng, abs=1e-6)
    assert lat == pytest.approx(glat, abs=1e-6)


def test_a_point_outside_china_is_unchanged() -> None:
    for lng, lat in ((-0.1276, 51.5072), (139.6917, 35.6895), (2.3522, 48.8566)):
        assert outside_china(lng, lat)
        assert wgs84_to_gcj02(lng, lat) == (lng, lat)
