"""kpi_buckets.service holds a notification template code at the contract's length (100):
the delivery KPIs of a request with a template code over 64 characters were refused (issue
18, found by the longest-event test)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("kpi_buckets", "service", type_=sa.String(100), existing_type=sa.String(64))


def downgrade() -> None:
    op.alter_column("kpi_buckets", "service", type_=sa.String(64), existing_type=sa.String(100))
