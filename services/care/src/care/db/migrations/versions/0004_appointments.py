"""care: appointments (挂号): slots and bookings

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_slots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("doctor_id", sa.String(length=128), nullable=False),
        sa.Column("doctor_name", sa.String(length=64), nullable=False),
        sa.Column("station", sa.String(length=64), nullable=False),
        sa.Column("room", sa.String(length=64), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_slots")),
    )
    op.create_index(
        "ix_care_slots_community_start", "care_slots", ["community_id", "start"], unique=False
    )
    op.create_index(op.f("ix_care_slots_doctor_id"), "care_slots", ["doctor_id"], unique=False)
    op.create_table(
        "care_bookings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slot_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("doctor_id", sa.String(length=128), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("booked_by", sa.String(length=128), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reminded", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("cancelled_by", sa.String(length=128), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_bookings")),
    )
    op.create_index(
        op.f("ix_care_bookings_doctor_id"), "care_bookings", ["doctor_id"], unique=False
    )
    op.create_index(
        op.f("ix_care_bookings_person_id"), "care_bookings", ["person_id"], unique=False
    )
    op.create_index(op.f("ix_care_bookings_slot_id"), "care_bookings", ["slot_id"], unique=False)
    op.create_index(
        "ix_care_bookings_status_start", "care_bookings", ["status", "start"], unique=False
    )
    op.create_index(
        "ux_care_bookings_person_doctor_day",
        "care_bookings",
        ["person_id", "doctor_id", "day"],
        unique=True,
        postgresql_where=sa.text("status = 'booked'"),
    )


def downgrade() -> None:
    op.drop_table("care_bookings")
    op.drop_table("care_slots")
