"""the population dataset counts residents by GB/T 2261.1 sex code (issue 25 item 5): each
resident's code as identity's events say it (older events do not: null, counted as 0)

Revision ID: 0026
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("exchange_residents", sa.Column("sex_code", sa.String(length=1), nullable=True))


def downgrade() -> None:
    op.drop_column("exchange_residents", "sex_code")
