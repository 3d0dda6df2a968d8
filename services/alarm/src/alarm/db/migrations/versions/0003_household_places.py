"""household places and building grids, projected from identity.events.v1

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
        sa.PrimaryKeyConstraint("household_id", name=op.f("pk_household_places")),
    )
    op.create_index("ix_household_places_room", "household_places", ["room_id"])
    op.create_table(
        "building_grids",
        sa.Column("building_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("building_id", name=op.f("pk_building_grids")),
    )
    op.create_index(op.f("ix_building_grids_grid_id"), "building_grids", ["grid_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_building_grids_grid_id"), table_name="building_grids")
    op.drop_table("building_grids")
    op.drop_index("ix_household_places_room", table_name="household_places")
    op.drop_table("household_places")
