"""notices: the category and the reason a notice was withdrawn

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "notices",
        sa.Column("category", sa.String(length=24), nullable=False, server_default="general"),
    )
    op.add_column("notices", sa.Column("withdrawal_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    op.drop_column("notices", "withdrawal_reason")
    op.drop_column("notices", "category")
