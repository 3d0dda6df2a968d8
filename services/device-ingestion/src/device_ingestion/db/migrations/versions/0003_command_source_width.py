"""device_commands.source holds "event:<service>" for every service the contract allows
(up to 64 characters): String(16) dead-lettered notification's commands ("event:notification")

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
    op.alter_column(
        "device_commands",
        "source",
        type_=sa.String(length=80),
        existing_type=sa.String(length=16),
        existing_nullable=False,
    )


def downgrade() -> None:
    op.alter_column(
        "device_commands",
        "source",
        type_=sa.String(length=16),
        existing_type=sa.String(length=80),
        existing_nullable=False,
    )
