"""the place directory (household -> community, building grids), projected from
identity.events.v1: residents hold household grants, and read what their community
shares with them (car parks, free spaces, tariffs)

Revision ID: 0002
Revises: 0001
"""

from sc_core.places.migrations import create_place_tables_v1, drop_place_tables_v1

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_place_tables_v1()


def downgrade() -> None:
    drop_place_tables_v1()
