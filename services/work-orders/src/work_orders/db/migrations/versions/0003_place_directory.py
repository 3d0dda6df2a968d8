"""place directory: work-orders' household places become sc_core.places' tables (the room
index, and building grids for grid workers' scope)

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from sc_core.places import create_building_grids_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # household_places (0002) already has the shared definition's columns
    op.create_index("ix_household_places_room", "household_places", ["room_id"])
    create_building_grids_v1()


def downgrade() -> None:
    op.drop_table("building_grids")
    op.drop_index("ix_household_places_room", table_name="household_places")
