"""Outlines of places: GeoJSON polygons refused with a stable type and zh/en words when a
ring is open, too small, too large or crosses itself; moved to GCJ-02 position by position."""

from __future__ import annotations

import math
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from sc_core.field_errors import field_errors
from sc_core.geo import geometry_to_gcj02, wgs84_to_gcj02
from sc_core.outline import Outline, vertex_count

SQUARE = [[120.0, 30.0], [120.001, 30.0], [120.001, 30.001], [120.0, 30.001], [120.0, 30.0]]


class Body(BaseModel):
    outline: Outline | None = None


def refusal(outline: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as caught:
        Body.model_validate({"outline": outline})
    return field_errors(caught.value.errors(include_url=False), "zh-CN")[0]


def test_a_square_and_a_square_with_a_hole_are_outlines() -> None:
    hole = [[120.0004, 30.0004], [120.0006, 30.0004], [120.0006, 30.0006], [120.0004, 30.0004]]
    body = Body.model_validate({"outline": {"type": "Polygon", "coordinates": [SQUARE, hole]}})
    assert body.outline is not None and vertex_count(body.outline) == 9
    multi = {
        "type": "MultiPolygon",
        "coordinates": [[SQUARE], [[[p[0] + 1, p[1]] for p in SQUARE]]],
    }
    assert Body.model_validate({"outline": multi}).outline is not None


def test_an_open_ring_is_refused_in_words() -> None:
    error = refusal({"type": "Polygon", "coordinates": [SQUARE[:-1] + [[120.0, 30.0005]]]})
    assert error["type"] == "outline.ring_not_closed"
    assert error["messages"] == {
        "zh-CN": "轮廓的每个环须首尾相接（最后一个点与第一个点相同）",
        "en": "Each ring of an outline must end where it starts",
    }
    assert error["message"] == error["messages"]["zh-CN"]


def test_a_bow_tie_crosses_itself() -> None:
    bow = [[120.0, 30.0], [120.001, 30.001], [120.001, 30.0], [120.0, 30.001], [120.0, 30.0]]
    assert refusal({"type": "Polygon", "coordinates": [bow]})["type"] == "outline.self_intersecting"


def test_a_hole_crossing_its_shell_is_refused() -> None:
    hole = [[120.0005, 30.0005], [120.002, 30.0005], [120.0005, 30.0008], [120.0005, 30.0005]]
    error = refusal({"type": "Polygon", "coordinates": [SQUARE, hole]})
    assert error["type"] == "outline.self_intersecting"


def test_a_flat_ring_and_too_many_vertices_are_refused() -> None:
    flat = [[120.0, 30.0], [120.001, 30.0], [120.0, 30.0], [120.0, 30.0]]
    assert refusal({"type": "Polygon", "coordinates": [flat]})["type"] == "outline.too_few_vertices"
    circle = [
        [120.0 + 1e-3 * math.cos(a * math.pi / 500), 30.0 + 1e-3 * math.sin(a * math.pi / 500)]
        for a in range(1000)
    ]
    ring = [*circle, circle[0]]  # 1,001 positions: two such polygons are too many
    error = refusal({"type": "MultiPolygon", "coordinates": [[ring], [ring]]})
    assert error["type"] == "outline.too_many_vertices"


def test_positions_out_of_range_are_refused_by_the_schema() -> None:
    bad = [[190.0, 30.0], [120.001, 30.0], [120.001, 30.001], [190.0, 30.0]]
    error = refusal({"type": "Polygon", "coordinates": [bad]})
    assert error["type"] == "less_than_equal"
    assert error["message"].startswith("应不大于 180")


def test_a_long_ring_without_crossings_is_checked_quickly() -> None:
    # a comb of 1,996 vertices: the sweep compares only edges whose boxes overlap
    teeth = [[120.0 + i * 1e-5, 30.0 + (i % 2) * 1e-4] for i in range(1995)]
    ring = [[120.0, 29.9], *teeth, [120.0 + 1994e-5, 29.9], [120.0, 29.9]]
    ring = ring[:-1] + [ring[0]]
    assert Body.model_validate({"outline": {"type": "Polygon", "coordinates": [ring]}}).outline


def test_every_position_of_a_polygon_moves_to_gcj02() -> None:
    geometry: dict[str, Any] = {"type": "Polygon", "coordinates": [[list(p) for p in SQUARE]]}
    geometry_to_gcj02(geometry)
    assert geometry["coordinates"][0][2] == list(wgs84_to_gcj02(120.001, 30.001))
    point: dict[str, Any] = {"type": "Point", "coordinates": [120.0, 30.0]}
    geometry_to_gcj02(point)
    assert point["coordinates"] == list(wgs84_to_gcj02(120.0, 30.0))
