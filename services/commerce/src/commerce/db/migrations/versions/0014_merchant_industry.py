"""merchants' industry codes (GB/T 4754-2017, 国民经济行业分类): the division's two digits,
optional, searched by section within a community

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("merchants", sa.Column("industry_code", sa.String(2), nullable=True))
    op.create_index(
        "ix_merchants_community_industry", "merchants", ["community_id", "industry_code"]
    )


def downgrade() -> None:
    op.drop_index("ix_merchants_community_industry", table_name="merchants")
    op.drop_column("merchants", "industry_code")
