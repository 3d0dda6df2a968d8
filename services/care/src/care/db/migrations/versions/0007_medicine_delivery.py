"""care: medication lists and medicine home-delivery requests (送药上门)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_medications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("dosage", sa.Text(), nullable=True),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_medications")),
    )
    op.create_index(
        op.f("ix_care_medications_person_id"), "care_medications", ["person_id"], unique=False
    )
    op.create_table(
        "care_medicine_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("medicines", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("handled_by", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_medicine_requests")),
    )
    op.create_index(
        op.f("ix_care_medicine_requests_community_id"),
        "care_medicine_requests",
        ["community_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_care_medicine_requests_person_id"),
        "care_medicine_requests",
        ["person_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("care_medicine_requests")
    op.drop_table("care_medications")
