"""care: a scheduled home visit names who comes, as the person knows them

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("care_visits", sa.Column("assignee_name", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("care_visits", "assignee_name")
