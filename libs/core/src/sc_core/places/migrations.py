"""DDL of the place directory for a service's Alembic migrations.

A migration calls :func:`create_place_tables_v1` (or the single tables') instead of
spelling the tables out again. Versioned like :mod:`sc_core.db.platform_migrations`: when
the tables change, a ``_v2`` comes with the change and a new migration calls it, so a
migration already written never changes meaning.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def create_household_places_v1() -> None:
    op.create_table(
        "household_places",
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=False),
        sa.Column("unit_id", sa.String(length=64), nullable=False),
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("household_id", name="pk_household_places"),
    )
    op.create_index("ix_household_places_room", "household_places", ["room_id"])


def create_building_grids_v1() -> None:
    op.create_table(
        "building_grids",
        sa.Column("building_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("building_id", name="pk_building_grids"),
    )
    op.create_index("ix_building_grids_grid_id", "building_grids", ["grid_id"])


def create_grant_projection_v1() -> None:
    op.create_table(
        "grant_projection",
        sa.Column("grant_id", sa.Text(), nullable=False),
        sa.Column("account_id", sa.Text(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("scope_type", sa.Text(), nullable=False),
        sa.Column("scope_id", sa.Text(), nullable=False),
        sa.Column("community_id", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("grant_id", name="pk_grant_projection"),
    )
    op.create_index(
        "ix_grant_projection_scope", "grant_projection", ["scope_type", "scope_id", "role"]
    )
    op.create_index("ix_grant_projection_community", "grant_projection", ["community_id", "role"])
    op.create_index("ix_grant_projection_account", "grant_projection", ["account_id"])


def add_place_names_v1() -> None:
    """The names of the places on ``household_places`` (``place_tables(..., names=True)``):
    nullable, filled by the next placement event of each household."""
    for name, length in (
        ("community_name", 100),
        ("community_name_en", 100),
        ("building_name", 100),
        ("building_name_en", 100),
        ("unit_name", 100),
        ("unit_name_en", 100),
        ("room_number", 16),
    ):
        op.add_column("household_places", sa.Column(name, sa.String(length=length), nullable=True))


def drop_place_names_v1() -> None:
    for name in (
        "community_name",
        "community_name_en",
        "building_name",
        "building_name_en",
        "unit_name",
        "unit_name_en",
        "room_number",
    ):
        op.drop_column("household_places", name)


def add_place_points_v1() -> None:
    """The building's point and the community's division code on ``household_places``
    (``place_tables(..., points=True)``): nullable, filled by the next placement event."""
    op.add_column("household_places", sa.Column("building_lat", sa.Double(), nullable=True))
    op.add_column("household_places", sa.Column("building_lng", sa.Double(), nullable=True))
    op.add_column("household_places", sa.Column("division_code", sa.String(6), nullable=True))


def drop_place_points_v1() -> None:
    for name in ("building_lat", "building_lng", "division_code"):
        op.drop_column("household_places", name)


def create_place_tables_v1(*, grants: bool = False) -> None:
    """Every table of ``place_tables(metadata, grants=...)``."""
    create_household_places_v1()
    create_building_grids_v1()
    if grants:
        create_grant_projection_v1()


def drop_place_tables_v1(*, grants: bool = False) -> None:
    if grants:
        op.drop_table("grant_projection")
    op.drop_table("building_grids")
    op.drop_table("household_places")
