"""care: safe zones for wandering (走失预警)

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_safe_zones",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("exit_margin_m", sa.Double(), nullable=False),
        sa.Column("return_margin_m", sa.Double(), nullable=False),
        sa.Column("outside", sa.Boolean(), nullable=True),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("distance_m", sa.Double(), nullable=True),
        sa.Column("excursion_id", sa.String(length=64), nullable=True),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_care_safe_zones")),
    )


def downgrade() -> None:
    op.drop_table("care_safe_zones")
