"""a community's GB/T 2260 division code (行政区划代码, issue 25 item 5)

Revision ID: 0010
Revises: 0009

The county a community lies in, as the national standard codes it, for the data exchanged
with district platforms and the map (public data, not personal).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("communities", sa.Column("division_code", sa.String(length=6), nullable=True))


def downgrade() -> None:
    op.drop_column("communities", "division_code")
