"""Rows of each owner's lists as GeoJSON features (RFC 7946), pure: no I/O.

Positions are WGS-84 ``[longitude, latitude]`` as the owners store them. A row without a
position of its own is drawn at its building's point (devices, alarms, cases), else at the
community's, and says which in ``position`` (``own``, ``building``, ``community``); a row
that has none of them is left out. A community, grid or building with an outline
(identity's GeoJSON Polygon or MultiPolygon, WGS-84) is drawn as that shape, its
properties as at its point; a grid has no point, so only an outlined grid is drawn.
Nothing here is a person's position: persons appear only as counts per building
(``people``), devices worn by a person are never drawn, and an event's properties carry
no person, room or household.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import TypeAdapter, ValidationError

from sc_core.geo import geometry_to_gcj02
from sc_core.outline import OutlineShape

Position = tuple[float, float]  # (lng, lat)

# devices a person wears or carries: their position is that person's (never on the map)
PERSONAL_DEVICE_TYPES = frozenset({"wearable", "health_monitor"})


def position(lng: Any, lat: Any) -> Position | None:
    numbers = isinstance(lng, int | float) and isinstance(lat, int | float)
    if numbers and -180 <= lng <= 180 and -90 <= lat <= 90:
        return float(lng), float(lat)
    return None


class Places:
    """The community's point and its buildings' points, to place what has none."""

    def __init__(self, community: dict[str, Any] | None, buildings: Iterable[dict[str, Any]]):
        self.community = (
            position(community.get("longitude"), community.get("latitude")) if community else None
        )
        self.buildings = {
            str(b.get("id")): p
            for b in buildings
            if (p := position(b.get("longitude"), b.get("latitude"))) is not None
        }

    def locate(self, own: Position | None, building_id: Any) -> tuple[Position, str] | None:
        if own is not None:
            return own, "own"
        if building_id is not None and str(building_id) in self.buildings:
            return self.buildings[str(building_id)], "building"
        if self.community is not None:
            return self.community, "community"
        return None


def feature(
    fid: str, at: Position | dict[str, Any], layer: str, kind: str, props: dict[str, Any]
) -> dict[str, Any]:
    """A feature at a point, or with a geometry of its own (a place's outline)."""
    geometry = at if isinstance(at, dict) else {"type": "Point", "coordinates": [at[0], at[1]]}
    return {
        "type": "Feature",
        "id": fid,
        "geometry": geometry,
        "properties": {"layer": layer, "kind": kind, **props},
    }


_OUTLINE: TypeAdapter[Any] = TypeAdapter(OutlineShape)


def outline(row: dict[str, Any]) -> dict[str, Any] | None:
    """A place's outline (identity's GeoJSON Polygon or MultiPolygon), a fresh copy; None
    when it has none (or an answer not of that shape)."""
    if not isinstance(row.get("outline"), dict):
        return None
    try:
        shape = _OUTLINE.validate_python(row["outline"])
    except ValidationError:
        return None
    found: dict[str, Any] = shape.model_dump(mode="json")
    return found


def shape(row: dict[str, Any]) -> Position | dict[str, Any] | None:
    """A place's outline where it has one, else its point."""
    return outline(row) or position(row.get("longitude"), row.get("latitude"))


def place_features(
    community: dict[str, Any] | None,
    buildings: Iterable[dict[str, Any]],
    grids: Iterable[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The community, its grids and its buildings: each as its outline (a Polygon or
    MultiPolygon) where identity has one, else at its point; a grid only by its outline."""
    out = []
    if community and (at := shape(community)):
        props = {
            "id": community.get("id"),
            "name": community.get("name", ""),
            "code": community.get("code"),
            "address": community.get("address"),
            "division_code": community.get("division_code"),  # GB/T 2260, when registered
        }
        out.append(feature(f"community:{community.get('id')}", at, "places", "community", props))
    grids = list(grids)
    for g in grids:
        if (drawn := outline(g)) is not None:
            props = {"id": g.get("id"), "name": g.get("name", ""), "code": g.get("code")}
            out.append(feature(f"grid:{g.get('id')}", drawn, "places", "grid", props))
    grid_names = {str(g.get("id")): g.get("name") for g in grids}
    for b in buildings:
        at = shape(b)
        if at is None:
            continue
        grid = b.get("grid_id")
        props = {
            "id": b.get("id"),
            "name": b.get("name", ""),
            "code": b.get("code"),
            "floors": b.get("floors"),
            "grid_id": grid,
            "grid_name": grid_names.get(str(grid)) if grid else None,
        }
        out.append(feature(f"building:{b.get('id')}", at, "places", "building", props))
    return out


def device_features(devices: Iterable[dict[str, Any]], places: Places) -> list[dict[str, Any]]:
    out = []
    for d in devices:
        if d.get("device_type") in PERSONAL_DEVICE_TYPES:
            continue
        found = places.locate(position(d.get("longitude"), d.get("latitude")), d.get("building_id"))
        if found is None:
            continue
        props = {
            "id": d.get("id"),
            "name": d.get("label") or d.get("name", ""),
            "device_type": d.get("device_type"),
            "status": d.get("status"),
            "building_id": d.get("building_id"),
            "position": found[1],
        }
        out.append(feature(f"device:{d.get('id')}", found[0], "things", "device", props))
    return out


def point_features(
    rows: Iterable[dict[str, Any]], kind: str, fields: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Shelters, key places and aid points: each stored with its own ``lat``/``lng``."""
    out = []
    for r in rows:
        at = position(r.get("lng"), r.get("lat"))
        if at is None:
            continue
        props = {"id": r.get("id"), "name": r.get("name", "")}
        props.update({f: r.get(f) for f in fields})
        out.append(feature(f"{kind}:{r.get('id')}", at, "things", kind, props))
    return out


def alarm_features(alarms: Iterable[dict[str, Any]], places: Places) -> list[dict[str, Any]]:
    out = []
    for a in alarms:
        found = places.locate(None, a.get("building_id"))  # an alarm has no position of its own
        if found is None:
            continue
        props = {
            "id": a.get("id"),
            "alarm_type": a.get("alarm_type"),
            "severity": a.get("severity"),
            "status": a.get("status"),
            "title": a.get("title"),
            "first_at": a.get("first_at"),
            "last_at": a.get("last_at"),
            "cleared_at": a.get("cleared_at"),
            "building_id": a.get("building_id"),
            "position": found[1],
        }
        out.append(feature(f"alarm:{a.get('id')}", found[0], "events", "alarm", props))
    return out


def case_features(cases: Iterable[dict[str, Any]], places: Places) -> list[dict[str, Any]]:
    out = []
    for c in cases:
        own = position(c.get("longitude"), c.get("latitude"))
        found = places.locate(own, c.get("building_id"))
        if found is None:
            continue
        props = {
            "id": c.get("id"),
            "number": c.get("number"),
            "case_type": c.get("case_type"),
            "title": c.get("title"),
            "status": c.get("status"),
            "priority": c.get("priority"),
            "overdue": c.get("overdue"),
            "created_at": c.get("created_at"),
            "closed_at": c.get("closed_at"),
            "building_id": c.get("building_id"),
            "position": found[1],
        }
        out.append(feature(f"case:{c.get('id')}", found[0], "events", "case", props))
    return out


def people_features(
    special: dict[str, Any], places: Places, building_names: dict[str, str]
) -> list[dict[str, Any]]:
    """The special-population register as counts: per building where the alarm service
    gives them (``registered_by_building``), else the community's totals at its point."""
    per_building: dict[str, dict[str, int]] = {}
    for row in special.get("registered_by_building") or []:
        b, category, n = row.get("building_id"), row.get("category"), row.get("count")
        if isinstance(b, str) and isinstance(category, str) and isinstance(n, int):
            per_building.setdefault(b, {})[category] = n
    out = []
    for b, counts in sorted(per_building.items()):
        found = places.locate(None, b)
        if found is None or found[1] != "building":
            continue  # a building without a point: never drawn at another place
        props = {
            "building_id": b,
            "name": building_names.get(b, ""),
            "registered": counts,
            "total": sum(counts.values()),
        }
        out.append(feature(f"people:{b}", found[0], "people", "register_counts", props))
    if not per_building and places.community is not None:
        counts = {
            str(r.get("key")): r.get("count")
            for r in special.get("registered") or []
            if isinstance(r.get("count"), int)
        }
        props = {
            "building_id": None,
            "name": "",
            "registered": counts,
            "total": sum(counts.values()),
        }
        at = places.community
        out.append(feature("people:community", at, "people", "register_counts", props))
    return out


def to_gcj02(features: list[dict[str, Any]]) -> None:
    """Every position (points and outlines) moved to GCJ-02 in place (outside China: kept)."""
    for f in features:
        geometry_to_gcj02(f["geometry"])
