"""Geometry, wandering and the nearest AED."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta

import pytest

from care.domain.aed import AidPoint, PointKind, nearest
from care.domain.geo import Circle, PolygonArea, distance_m
from care.domain.wandering import Fix, Move, SafeZone, step

HOME = (31.2304, 121.4737)
M_PER_DEG_LAT = math.pi / 180 * 6_371_008.8
T0 = datetime(2026, 12, 3, 6, 0, tzinfo=UTC)


def north(metres: float, lat: float = HOME[0], lng: float = HOME[1]) -> tuple[float, float]:
    return lat + metres / M_PER_DEG_LAT, lng


def test_haversine_distance():
    assert distance_m(*HOME, *north(1000)) == pytest.approx(1000, abs=0.5)
    # Beijing to Shanghai, about 1,067 km
    assert distance_m(39.9042, 116.4074, 31.2304, 121.4737) == pytest.approx(1_067_000, rel=0.01)


def test_circle_signed_distance():
    c = Circle(*HOME, 300)
    assert c.contains(*north(299))
    assert not c.contains(*north(301))
    assert c.signed_distance_m(*north(400)) == pytest.approx(100, abs=0.5)
    assert c.signed_distance_m(*HOME) == pytest.approx(-300)


def square(side_m: float) -> PolygonArea:
    dlat = side_m / 2 / M_PER_DEG_LAT
    dlng = dlat / math.cos(math.radians(HOME[0]))
    lat, lng = HOME
    return PolygonArea(
        ((lat - dlat, lng - dlng), (lat - dlat, lng + dlng), (lat + dlat, lng + dlng),
         (lat + dlat, lng - dlng), (lat - dlat, lng - dlng))
    )  # fmt: skip


def test_polygon_containment_and_distance_in_metres():
    sq = square(400)
    assert sq.contains(*HOME)
    assert sq.signed_distance_m(*HOME) == pytest.approx(-200, abs=0.5)
    assert sq.signed_distance_m(*north(250)) == pytest.approx(50, abs=0.5)
    assert not sq.contains(*north(250))


def test_bad_polygons_are_refused():
    with pytest.raises(ValueError, match="three"):
        PolygonArea(((31.0, 121.0), (31.1, 121.1), (31.0, 121.0)))
    with pytest.raises(ValueError, match="cross"):
        PolygonArea(((31.0, 121.0), (31.1, 121.1), (31.0, 121.1), (31.1, 121.0)))
    with pytest.raises(ValueError, match="latitude"):
        Circle(95.0, 121.0, 10)


def test_wandering_tells_once_per_excursion_and_when_back():
    zone = SafeZone("p-1", "家附近", Circle(*HOME, 500))
    track = [0, 520, 540, 700, 900, 480, 400, 300, 600]  # metres north of home
    state, moves = None, []
    for i, m in enumerate(track):
        state, mv = step(state, zone, Fix(*north(m), T0 + timedelta(minutes=i)))
        moves.append(mv)
    assert moves == [
        Move.NONE,  # home
        Move.NONE,  # 20 m out: within the GPS margin
        Move.NONE,  # 40 m out
        Move.LEFT,  # 200 m out: told once
        Move.NONE,  # further away: nothing new
        Move.NONE,  # 20 m inside: not yet back
        Move.RETURNED,  # 100 m inside
        Move.NONE,
        Move.LEFT,  # a second excursion is told again
    ]


def test_wandering_moves_exactly():
    zone = SafeZone("p-1", "家附近", Circle(*HOME, 500))
    state, _ = step(None, zone, Fix(*HOME, T0))
    state, mv = step(state, zone, Fix(*north(700), T0 + timedelta(minutes=1)))
    assert mv is Move.LEFT
    state, mv = step(state, zone, Fix(*north(490), T0 + timedelta(minutes=2)))
    assert mv is Move.NONE  # 10 m inside is not back (margin 20 m)
    state, mv = step(state, zone, Fix(*north(400), T0 + timedelta(minutes=3)))
    assert mv is Move.RETURNED
    state, mv = step(state, zone, Fix(*north(1000), T0 + timedelta(minutes=2)))
    assert mv is Move.NONE  # older than the last fix


def test_imprecise_fixes_do_not_raise_alarms():
    zone = SafeZone("p-1", "家附近", Circle(*HOME, 500))
    state, _ = step(None, zone, Fix(*HOME, T0))
    _, mv = step(state, zone, Fix(*north(650), T0 + timedelta(minutes=1), accuracy_m=120))
    assert mv is Move.NONE  # 150 m out, but the fix is only good to 120 m
    _, mv = step(state, zone, Fix(*north(2000), T0 + timedelta(minutes=1), accuracy_m=500))
    assert mv is Move.NONE  # too vague to use


def test_a_first_fix_outside_tells_at_once():
    zone = SafeZone("p-1", "家附近", Circle(*HOME, 500))
    _, mv = step(None, zone, Fix(*north(800), T0))
    assert mv is Move.LEFT


def aed(id_, metres, **kw):
    return AidPoint(id_, kw.pop("kind", PointKind.AED), f"点{id_}", *north(metres), **kw)


def test_nearest_aed_skips_broken_and_closed_ones():
    points = [
        aed("a", 300),
        aed("b", 120, in_service=False),
        aed("c", 200, opens=time(8), closes=time(18)),  # Shanghai hours
        aed("d", 900),
        aed("e", 50, kind=PointKind.FIRST_AID),
    ]
    night = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
    day = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00
    assert [n.point.id for n in nearest(points, *HOME, night)] == ["a", "d"]
    assert [n.point.id for n in nearest(points, *HOME, day, limit=2)] == ["c", "a"]
    assert [n.point.id for n in nearest(points, *HOME, day, kind=None, limit=1)] == ["e"]
    assert nearest(points, *HOME, night, within_m=250) == []
    zh, en = nearest(points, *HOME, night)[0].words()
    assert zh == "点a，约300米，步行约4分钟"
    assert en == "点a, about 300 m, 4 min on foot"


def test_opening_hours_need_both_ends():
    with pytest.raises(ValueError, match="both"):
        aed("x", 10, opens=time(8))
