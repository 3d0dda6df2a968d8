"""energy roll-ups per community and building, door id of gates

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
    op.add_column("devices", sa.Column("door_id", sa.String(length=64), nullable=True))
    op.create_table(
        "energy_rollups",
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("scope_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("bucket", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consumption", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint(
            "scope",
            "scope_id",
            "community_id",
            "kind",
            "period",
            "bucket",
            name=op.f("pk_energy_rollups"),
        ),
    )
    op.create_table(
        "energy_dirty",
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), server_default=sa.text("1"), nullable=False),
        sa.PrimaryKeyConstraint("community_id", "period", name=op.f("pk_energy_dirty")),
    )
    # existing data: every community is computed once by the refresh job
    op.execute(
        """INSERT INTO energy_dirty (community_id, period, since)
           SELECT DISTINCT d.community_id, p.period, timestamptz '-infinity'
             FROM devices d CROSS JOIN (VALUES ('day'), ('month'), ('year')) AS p(period)"""
    )


def downgrade() -> None:
    op.drop_table("energy_dirty")
    op.drop_table("energy_rollups")
    op.drop_column("devices", "door_id")
