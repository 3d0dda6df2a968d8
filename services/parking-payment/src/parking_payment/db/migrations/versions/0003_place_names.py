"""the place directory keeps the places' names (an e-bike charger's alert names where it
stands as people say it, issue 18)

Revision ID: 0003
Revises: 0002
"""

from sc_core.places import add_place_names_v1, drop_place_names_v1

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_place_names_v1()


def downgrade() -> None:
    drop_place_names_v1()
