"""credits spent at recycling points

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "credit_redemptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_point_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("redeemed_by", sa.String(64), nullable=False),
        sa.Column("redeemed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_credit_redemptions"),
        sa.ForeignKeyConstraint(
            ["service_point_id"], ["service_points.id"], name="fk_credit_redemptions_point"
        ),
    )
    op.create_index(
        "ix_credit_redemptions_household",
        "credit_redemptions",
        ["household_id", "redeemed_at", "id"],
    )
    op.create_index(
        "ix_credit_redemptions_community",
        "credit_redemptions",
        ["community_id", "redeemed_at", "id"],
    )


def downgrade() -> None:
    op.drop_table("credit_redemptions")
