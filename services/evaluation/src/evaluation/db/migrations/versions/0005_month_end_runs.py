"""the month-end sweep's runs: one row per community and month whose indices it computed

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "month_end_runs",
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("period", sa.String(10), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("community_id", "period", name="pk_month_end_runs"),
    )


def downgrade() -> None:
    op.drop_table("month_end_runs")
