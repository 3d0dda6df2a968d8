"""industry codes (GB/T 4754-2017, 国民经济行业分类) of organisations and enterprises: the
division's two digits, optional, searched by section within a community; the 12345 hotline
view's reply texts (each reply step's, and the ticket's latest)

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("organisations", sa.Column("industry_code", sa.String(2), nullable=True))
    op.create_index(
        "ix_organisations_community_industry", "organisations", ["community_id", "industry_code"]
    )
    op.add_column("hotline_steps", sa.Column("reply_text", sa.String(4000), nullable=True))
    op.add_column("hotline_tickets", sa.Column("last_reply_text", sa.String(4000), nullable=True))


def downgrade() -> None:
    op.drop_column("hotline_tickets", "last_reply_text")
    op.drop_column("hotline_steps", "reply_text")
    op.drop_index("ix_organisations_community_industry", table_name="organisations")
    op.drop_column("organisations", "industry_code")
