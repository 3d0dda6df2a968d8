"""who holds which role over which place (identity's grants): an alarm is assigned only to
staff serving its place (issue 30)

Revision ID: 0006
Revises: 0005
"""

from alembic import op

from sc_core.places import create_grant_projection_v1

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_grant_projection_v1()


def downgrade() -> None:
    op.drop_table("grant_projection")
