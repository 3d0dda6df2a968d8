"""initial: outbox, inbox, notes

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from sc_core.db.platform_migrations import create_platform_tables_v1, drop_platform_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables_v1()
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )


def downgrade() -> None:
    op.drop_table("notes")
    drop_platform_tables_v1()
