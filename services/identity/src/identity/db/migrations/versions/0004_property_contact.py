"""a community's property office and its telephone (issue 19 item 1)

Revision ID: 0004
Revises: 0003

Residents read their community with the property's contact (物业服务中心 and its
number): public data, not personal.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("communities", sa.Column("property_name", sa.String(length=100), nullable=True))
    op.add_column("communities", sa.Column("property_phone", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("communities", "property_phone")
    op.drop_column("communities", "property_name")
