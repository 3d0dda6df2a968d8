"""The place directory of sc_core.places: ``building_grid`` becomes ``building_grids``
(its shared definition) and ``household_places`` is created, so a role inside a place
(resident @ community, @ building ...) reaches the holders of household grants there.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sc_core.places import create_household_places_v1

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_building_grid_grid", table_name="building_grid")
    op.rename_table("building_grid", "building_grids")
    op.execute("ALTER TABLE building_grids RENAME CONSTRAINT pk_building_grid TO pk_building_grids")
    op.add_column(
        "building_grids",
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.alter_column("building_grids", "updated_at", server_default=None)
    for column in ("building_id", "community_id", "grid_id"):
        op.alter_column("building_grids", column, type_=sa.String(64), existing_nullable=False)
    op.create_index("ix_building_grids_grid_id", "building_grids", ["grid_id"])
    create_household_places_v1()


def downgrade() -> None:
    op.drop_table("household_places")
    op.drop_index("ix_building_grids_grid_id", table_name="building_grids")
    op.drop_column("building_grids", "updated_at")
    for column in ("building_id", "community_id", "grid_id"):
        op.alter_column("building_grids", column, type_=sa.Text(), existing_nullable=False)
    op.execute("ALTER TABLE building_grids RENAME CONSTRAINT pk_building_grids TO pk_building_grid")
    op.rename_table("building_grids", "building_grid")
    op.create_index("ix_building_grid_grid", "building_grid", ["grid_id"])
