"""exchange datasets name the community's GB/T 2260 division code (issue 25): each
community's code as identity's placement events say it

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_communities",
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("community_id", name=op.f("pk_exchange_communities")),
    )


def downgrade() -> None:
    op.drop_table("exchange_communities")
