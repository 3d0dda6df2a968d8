"""shop offers withdrawn by their merchant

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("shop_offers", sa.Column("withdrawn_at", sa.DateTime(timezone=True)))
    op.add_column("shop_offers", sa.Column("withdrawn_by", sa.String(64)))


def downgrade() -> None:
    op.drop_column("shop_offers", "withdrawn_by")
    op.drop_column("shop_offers", "withdrawn_at")
