"""the place directory keeps the places' names (texts name a flat as people say it)

Revision ID: 0007
Revises: 0006
"""

from sc_core.places import add_place_names_v1, drop_place_names_v1

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_place_names_v1()


def downgrade() -> None:
    drop_place_names_v1()
