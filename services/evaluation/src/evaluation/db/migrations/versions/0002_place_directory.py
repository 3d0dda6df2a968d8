"""the place directory of sc_core.places: household_places gains unit, room and the
places' names; building_grids holds buildings with a grid only (as every service's does)

Rows placed before this migration get an empty unit and room (evaluation never read them)
until their household's next placement event; a building without a grid leaves
building_grids (a building's community is read from household_places).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from sc_core.places import add_place_names_v1, drop_place_names_v1

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in ("unit_id", "room_id"):
        op.add_column(
            "household_places",
            sa.Column(name, sa.String(length=64), nullable=False, server_default=""),
        )
        op.alter_column("household_places", name, server_default=None)
    op.create_index("ix_household_places_room", "household_places", ["room_id"])
    add_place_names_v1()
    op.execute("DELETE FROM building_grids WHERE grid_id IS NULL")
    op.alter_column("building_grids", "grid_id", existing_type=sa.String(64), nullable=False)
    op.create_index("ix_building_grids_grid_id", "building_grids", ["grid_id"])


def downgrade() -> None:
    op.drop_index("ix_building_grids_grid_id", table_name="building_grids")
    op.alter_column("building_grids", "grid_id", existing_type=sa.String(64), nullable=True)
    drop_place_names_v1()
    op.drop_index("ix_household_places_room", table_name="household_places")
    op.drop_column("household_places", "room_id")
    op.drop_column("household_places", "unit_id")
