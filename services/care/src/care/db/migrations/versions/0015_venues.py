"""care: activity venues (活动场所) with their devices' last word

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_venues",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("opens", sa.String(length=5), nullable=True),
        sa.Column("closes", sa.String(length=5), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.Column("people_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("door_open", sa.Boolean(), nullable=True),
        sa.Column("door_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=128), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_venues")),
    )
    op.create_index(op.f("ix_care_venues_community_id"), "care_venues", ["community_id"])
    op.create_table(
        "care_venue_devices",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("venue_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("bound_by", sa.String(length=128), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_care_venue_devices")),
    )
    op.create_index(op.f("ix_care_venue_devices_venue_id"), "care_venue_devices", ["venue_id"])


def downgrade() -> None:
    op.drop_table("care_venue_devices")
    op.drop_table("care_venues")
