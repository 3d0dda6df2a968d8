"""A place's outline (轮廓): a GeoJSON Polygon or MultiPolygon (RFC 7946 §3.1.6-7) in
WGS-84, as a community, a grid or a building is drawn on a map (issue 25 item 4).

``OutlineShape`` is the shape alone (what a read answers); ``Outline`` is what a client may
write: every ring closed (its last position is its first), at least three distinct
vertices, at most :data:`MAX_VERTICES` positions in all, and no ring crossing or touching
itself or another ring of its polygon. Positions are ``[longitude, latitude]`` within
range. A refusal is a ``request.validation_failed`` problem whose field error has a stable
type (``outline.ring_not_closed``, ``outline.too_few_vertices``,
``outline.too_many_vertices``, ``outline.self_intersecting``) and the reason in zh-CN and
English (``sc_core.field_errors`` takes the Chinese from the error's ``zh``).

The crossing check is a sweep over the segments sorted by their west edge (only segments
whose bounding boxes overlap are compared): cheap for the outlines people draw.
Why JSON and not PostGIS: docs/adr/0043-place-outlines-as-geojson.md.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "MAX_VERTICES",
    "Outline",
    "OutlineMultiPolygon",
    "OutlinePolygon",
    "OutlineShape",
    "check_outline",
    "rectangle",
    "vertex_count",
]

MAX_VERTICES = 2000  # positions in all the rings of one outline
MAX_RINGS = 50  # per polygon: its shell and its holes
MAX_POLYGONS = 50  # per MultiPolygon

Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
# ``items`` beside the tuple's ``prefixItems``: OpenAPI linters (Spectral's array-items)
# want every array schema to say what its items are
Position = Annotated[
    tuple[Longitude, Latitude],
    Field(json_schema_extra={"items": {"type": "number", "minimum": -180, "maximum": 180}}),
]
Ring = Annotated[list[Position], Field(min_length=4, max_length=MAX_VERTICES)]
Rings = Annotated[list[Ring], Field(min_length=1, max_length=MAX_RINGS)]


class OutlinePolygon(BaseModel):
    type: Literal["Polygon"]
    coordinates: Rings = Field(description="The shell, then any holes: rings of [lng, lat]")


class OutlineMultiPolygon(BaseModel):
    type: Literal["MultiPolygon"]
    coordinates: Annotated[list[Rings], Field(min_length=1, max_length=MAX_POLYGONS)]


OutlineShape = Annotated[OutlinePolygon | OutlineMultiPolygon, Field(discriminator="type")]

Point = tuple[float, float]


def polygons(shape: OutlinePolygon | OutlineMultiPolygon) -> list[list[list[Point]]]:
    if isinstance(shape, OutlinePolygon):
        return [[list(r) for r in shape.coordinates]]
    return [[list(r) for r in p] for p in shape.coordinates]


def vertex_count(shape: OutlinePolygon | OutlineMultiPolygon) -> int:
    return sum(len(r) for p in polygons(shape) for r in p)


def _refuse(kind: str, en: str, zh: str) -> PydanticCustomError:
    return PydanticCustomError(f"outline.{kind}", en, {"zh": zh})


def check_outline(
    shape: OutlinePolygon | OutlineMultiPolygon,
) -> OutlinePolygon | OutlineMultiPolygon:
    """``shape`` if it is a valid outline; a ``PydanticCustomError`` naming why if not."""
    if vertex_count(shape) > MAX_VERTICES:
        raise _refuse(
            "too_many_vertices",
            f"An outline has at most {MAX_VERTICES} vertices",
            f"轮廓最多 {MAX_VERTICES} 个顶点",
        )
    for rings in polygons(shape):
        for ring in rings:
            if ring[0] != ring[-1]:
                raise _refuse(
                    "ring_not_closed",
                    "Each ring of an outline must end where it starts",
                    "轮廓的每个环须首尾相接（最后一个点与第一个点相同）",
                )
            if len(set(ring)) < 3:
                raise _refuse(
                    "too_few_vertices",
                    "Each ring of an outline needs at least three distinct vertices",
                    "轮廓的每个环至少需要 3 个不同的顶点",
                )
        if _crosses(rings):
            raise _refuse(
                "self_intersecting",
                "An outline's edges must not cross or touch each other",
                "轮廓的边不能相互交叉或接触",
            )
    return shape


Outline = Annotated[OutlineShape, AfterValidator(check_outline)]


def _segments(rings: list[list[Point]]) -> list[tuple[int, int, int, Point, Point]]:
    """(ring, index, count in ring, from, to) of every edge, repeated vertices skipped."""
    out = []
    for r, ring in enumerate(rings):
        points = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
        edges = list(pairwise(points))
        out += [(r, i, len(edges), a, b) for i, (a, b) in enumerate(edges)]
    return out


def _crosses(rings: list[list[Point]]) -> bool:
    edges = sorted(_segments(rings), key=lambda e: min(e[3][0], e[4][0]))
    active: list[tuple[int, int, int, Point, Point]] = []
    for edge in edges:
        west = min(edge[3][0], edge[4][0])
        active = [e for e in active if max(e[3][0], e[4][0]) >= west]
        for other in active:
            if not _neighbours(edge, other) and _meet(edge[3], edge[4], other[3], other[4]):
                return True
        active.append(edge)
    return False


def _neighbours(a: tuple[int, int, int, Any, Any], b: tuple[int, int, int, Any, Any]) -> bool:
    if a[0] != b[0]:
        return False
    gap = abs(a[1] - b[1])
    return gap == 1 or gap == a[2] - 1


def _orient(p: Point, q: Point, r: Point) -> int:
    value = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return (value > 0) - (value < 0)


def _on(p: Point, q: Point, r: Point) -> bool:
    """``r`` (collinear with p-q) within the segment p-q."""
    return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(p[1], q[1])


def _meet(p1: Point, p2: Point, q1: Point, q2: Point) -> bool:
    """The segments p1-p2 and q1-q2 cross or touch."""
    if max(p1[1], p2[1]) < min(q1[1], q2[1]) or max(q1[1], q2[1]) < min(p1[1], p2[1]):
        return False
    o1, o2 = _orient(p1, p2, q1), _orient(p1, p2, q2)
    o3, o4 = _orient(q1, q2, p1), _orient(q1, q2, p2)
    if o1 != o2 and o3 != o4:
        return True
    return (
        (o1 == 0 and _on(p1, p2, q1))
        or (o2 == 0 and _on(p1, p2, q2))
        or (o3 == 0 and _on(q1, q2, p1))
        or (o4 == 0 and _on(q1, q2, p2))
    )


def rectangle(lng: float, lat: float, half_lng: float, half_lat: float) -> dict[str, Any]:
    """A Polygon outline: the rectangle of ``half_lng``/``half_lat`` degrees around a point
    (demo data and tests)."""
    west, east, south, north = lng - half_lng, lng + half_lng, lat - half_lat, lat + half_lat
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 7) for x in p] for p in ring]]}
