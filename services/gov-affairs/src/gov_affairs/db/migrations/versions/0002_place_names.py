"""the place directory keeps the places' names (an approver reads whose flat applied)

Revision ID: 0002
Revises: 0001
"""

from sc_core.places import add_place_names_v1, drop_place_names_v1

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_place_names_v1()


def downgrade() -> None:
    drop_place_names_v1()
