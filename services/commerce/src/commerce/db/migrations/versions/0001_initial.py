"""initial: merchants, service points, bookings, drop-offs, the platform tables and the
place directory

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sc_core.db.platform_migrations import create_platform_tables_v1, drop_platform_tables_v1
from sc_core.places import create_place_tables_v1, drop_place_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    create_platform_tables_v1()
    create_place_tables_v1()
    op.create_table(
        "merchants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("licence_no", sa.String(64), nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("opening_hours", postgresql.JSONB(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("review_note", sa.String(500), nullable=True),
        sa.Column("reviewed_by", sa.String(64), nullable=True),
        sa.Column("reviewed_at", TS, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_merchants"),
        sa.UniqueConstraint("community_id", "credit_code", name="uq_merchants_community_code"),
    )
    op.create_index("ix_merchants_community", "merchants", ["community_id", "created_at", "id"])
    op.create_index("ix_merchants_owner", "merchants", ["owner_id", "created_at"])
    op.create_table(
        "service_points",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("services", postgresql.JSONB(), nullable=False),
        sa.Column("merchant_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_service_points"),
        sa.ForeignKeyConstraint(
            ["merchant_id"], ["merchants.id"], name="fk_service_points_merchant"
        ),
    )
    op.create_index("ix_service_points_community", "service_points", ["community_id", "kind", "id"])
    op.create_table(
        "bookings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_point_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("building_id", sa.String(64), nullable=True),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("service", sa.String(500), nullable=False),
        sa.Column("preferred_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.ForeignKeyConstraint(
            ["service_point_id"], ["service_points.id"], name="fk_bookings_point"
        ),
    )
    op.create_index("ix_bookings_community", "bookings", ["community_id", "created_at", "id"])
    op.create_index("ix_bookings_household", "bookings", ["household_id", "created_at"])
    op.create_table(
        "drop_offs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_point_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(64), nullable=False),
        sa.Column("household_id", sa.String(64), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("recorded_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_drop_offs"),
        sa.ForeignKeyConstraint(
            ["service_point_id"], ["service_points.id"], name="fk_drop_offs_point"
        ),
    )
    op.create_index("ix_drop_offs_household", "drop_offs", ["household_id", "recorded_at", "id"])
    op.create_index("ix_drop_offs_community", "drop_offs", ["community_id", "recorded_at", "id"])


def downgrade() -> None:
    op.drop_table("drop_offs")
    op.drop_table("bookings")
    op.drop_table("service_points")
    op.drop_table("merchants")
    drop_place_tables_v1()
    drop_platform_tables_v1()
