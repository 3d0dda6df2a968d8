"""shop orders: a payment due back (cancelled or refused after payment) and its refund

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("shop_orders", sa.Column("refund_fen", sa.BigInteger(), nullable=True))
    op.add_column("shop_orders", sa.Column("refund_due_at", TS, nullable=True))
    op.add_column("shop_orders", sa.Column("refunded_at", TS, nullable=True))


def downgrade() -> None:
    op.drop_column("shop_orders", "refunded_at")
    op.drop_column("shop_orders", "refund_due_at")
    op.drop_column("shop_orders", "refund_fen")
