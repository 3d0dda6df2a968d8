"""The tables of the place directory, on a service's own ``MetaData`` (beside its business
tables, like the outbox and inbox of :func:`sc_core.db.tables.platform_tables`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, DateTime, Double, Index, MetaData, String, Table, Text
from sqlalchemy.types import TypeEngine

ID = String(64)
NAME = String(100)
# the names of the household's places (identity's column widths), with names=True
NAME_COLUMNS = (
    ("community_name", NAME),
    ("community_name_en", NAME),
    ("building_name", NAME),
    ("building_name_en", NAME),
    ("unit_name", NAME),
    ("unit_name_en", NAME),
    ("room_number", String(16)),
)
# the building's point (WGS-84) and the community's GB/T 2260 code, with points=True
POINT_COLUMNS: tuple[tuple[str, TypeEngine[Any]], ...] = (
    ("building_lat", Double()),
    ("building_lng", Double()),
    ("division_code", String(6)),
)


@dataclass(frozen=True)
class PlaceTables:
    households: Table  # household_places: household -> community, building, unit, room, grid
    building_grids: Table  # building -> grid (网格)
    grants: Table | None = None  # grant_projection: account, role, place


def place_tables(
    metadata: MetaData, *, grants: bool = False, names: bool = False, points: bool = False
) -> PlaceTables:
    """Add (once) the directory's tables to ``metadata``; the models of the migrations in
    :mod:`sc_core.places.migrations` (``model_drift`` proves they agree). ``names=True``:
    ``household_places`` keeps the names of the places too (``add_place_names_v1()`` in a
    migration), for a service that names places in texts people read
    (:meth:`Places.name_of`). ``points=True``: the building's point and the community's
    division code too (``add_place_points_v1()``), for a service that targets places by
    area (care's CAP warnings)."""
    t = metadata.tables
    if "household_places" not in t:
        Table(
            "household_places",
            metadata,
            Column("household_id", ID, primary_key=True),
            Column("community_id", ID, nullable=False),
            Column("building_id", ID, nullable=False),
            Column("unit_id", ID, nullable=False),
            Column("room_id", ID, nullable=False),
            Column("grid_id", ID, nullable=True),
            Column("status", String(16), nullable=False),
            Column("updated_at", DateTime(timezone=True), nullable=False),
            Index("ix_household_places_room", "room_id"),
            *(Column(name, kind, nullable=True) for name, kind in NAME_COLUMNS if names),
            *(Column(name, kind, nullable=True) for name, kind in POINT_COLUMNS if points),
        )
        Table(
            "building_grids",
            metadata,
            Column("building_id", ID, primary_key=True),
            Column("community_id", ID, nullable=False),
            Column("grid_id", ID, nullable=False, index=True),
            Column("updated_at", DateTime(timezone=True), nullable=False),
        )
    if grants and "grant_projection" not in t:
        Table(
            "grant_projection",
            metadata,
            Column("grant_id", Text, primary_key=True),
            Column("account_id", Text, nullable=False),
            Column("role", Text, nullable=False),
            Column("scope_type", Text, nullable=False),
            Column("scope_id", Text, nullable=False),
            Column("community_id", Text, nullable=True),
            Column("changed_at", DateTime(timezone=True), nullable=False),
            Index("ix_grant_projection_scope", "scope_type", "scope_id", "role"),
            Index("ix_grant_projection_community", "community_id", "role"),
            Index("ix_grant_projection_account", "account_id"),
        )
    return PlaceTables(
        t["household_places"], t["building_grids"], t.get("grant_projection") if grants else None
    )
