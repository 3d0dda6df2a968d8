"""care: childcare (托育) nurseries, classes, children, days and used check-in codes

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_nurseries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("opens", sa.String(length=5), nullable=False),
        sa.Column("closes", sa.String(length=5), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_nurseries")),
    )
    op.create_index(
        op.f("ix_care_nurseries_community_id"), "care_nurseries", ["community_id"], unique=False
    )
    op.create_table(
        "care_nursery_classes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("nursery_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("camera_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_nursery_classes")),
    )
    op.create_index(
        op.f("ix_care_nursery_classes_nursery_id"),
        "care_nursery_classes",
        ["nursery_id"],
        unique=False,
    )
    op.create_table(
        "care_children",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("nursery_id", sa.Uuid(), nullable=False),
        sa.Column("class_id", sa.Uuid(), nullable=False),
        sa.Column("guardians", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("guardian_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("enrolled_by", sa.String(length=128), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_children")),
        sa.UniqueConstraint("person_id", name=op.f("uq_care_children_person_id")),
    )
    for col in ("community_id", "nursery_id", "class_id"):
        op.create_index(op.f(f"ix_care_children_{col}"), "care_children", [col], unique=False)
    op.create_table(
        "care_child_days",
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("nursery_id", sa.Uuid(), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by", sa.String(length=128), nullable=True),
        sa.Column("temperature", sa.Double(), nullable=True),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_out_by", sa.String(length=128), nullable=True),
        sa.Column("fever_told", sa.Boolean(), nullable=False),
        sa.Column("overdue_told", sa.Boolean(), nullable=False),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("child_id", "day", name=op.f("pk_care_child_days")),
    )
    op.create_index(
        op.f("ix_care_child_days_nursery_id"), "care_child_days", ["nursery_id"], unique=False
    )
    op.create_table(
        "care_checkin_codes",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("child_id", sa.Uuid(), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_care_checkin_codes")),
    )


def downgrade() -> None:
    op.drop_table("care_checkin_codes")
    op.drop_table("care_child_days")
    op.drop_table("care_children")
    op.drop_table("care_nursery_classes")
    op.drop_table("care_nurseries")
