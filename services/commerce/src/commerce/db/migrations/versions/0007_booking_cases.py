"""bookings follow their maintenance cases: the case's id, its state's last step, the
resident's rating

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("bookings", sa.Column("work_order_id", sa.String(64), nullable=True))
    op.add_column("bookings", sa.Column("status_at", TS, nullable=True))
    op.add_column("bookings", sa.Column("rating", sa.Integer(), nullable=True))
    op.add_column("bookings", sa.Column("rating_comment", sa.String(1000), nullable=True))
    op.add_column("bookings", sa.Column("rated_at", TS, nullable=True))
    op.create_index("ix_bookings_work_order", "bookings", ["work_order_id"])


def downgrade() -> None:
    op.drop_index("ix_bookings_work_order", table_name="bookings")
    for column in ("rated_at", "rating_comment", "rating", "status_at", "work_order_id"):
        op.drop_column("bookings", column)
