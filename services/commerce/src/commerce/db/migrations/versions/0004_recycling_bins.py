"""waste bins beside recycling points, with their last fill level

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "recycling_bins",
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("service_point_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("label", sa.String(50), nullable=False),
        sa.Column("fill_level", sa.Float(), nullable=True),
        sa.Column("waste_type", sa.String(16), nullable=True),
        sa.Column("reported_at", TS, nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("device_id", name="pk_recycling_bins"),
        sa.ForeignKeyConstraint(
            ["service_point_id"], ["service_points.id"], name="fk_recycling_bins_point"
        ),
    )
    op.create_index("ix_recycling_bins_point", "recycling_bins", ["service_point_id", "device_id"])


def downgrade() -> None:
    op.drop_table("recycling_bins")
