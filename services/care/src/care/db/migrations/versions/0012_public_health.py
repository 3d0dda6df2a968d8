"""care: public health (incident register with measures, detections, home isolation)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_health_incidents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_by", sa.String(length=128), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_health_incidents")),
    )
    op.create_index(
        op.f("ix_care_health_incidents_community_id"),
        "care_health_incidents",
        ["community_id"],
        unique=False,
    )
    op.create_table(
        "care_health_measures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_health_measures")),
    )
    op.create_index(
        op.f("ix_care_health_measures_incident_id"),
        "care_health_measures",
        ["incident_id"],
        unique=False,
    )
    op.create_table(
        "care_health_detections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("device_type", sa.String(length=32), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_health_detections")),
    )
    op.create_index(
        "uq_care_health_detections_once",
        "care_health_detections",
        ["device_id", "kind", "at"],
        unique=True,
    )
    op.create_index(
        "ix_care_health_detections_community_at",
        "care_health_detections",
        ["community_id", "at"],
        unique=False,
    )
    op.create_table(
        "care_isolations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("door_devices", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("grid_worker", sa.String(length=128), nullable=False),
        sa.Column("doctor", sa.String(length=128), nullable=True),
        sa.Column("open_doors", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("openings", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_isolations")),
    )
    op.create_index(
        op.f("ix_care_isolations_person_id"), "care_isolations", ["person_id"], unique=False
    )
    op.create_index(
        op.f("ix_care_isolations_community_id"), "care_isolations", ["community_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("care_isolations")
    op.drop_table("care_health_detections")
    op.drop_table("care_health_measures")
    op.drop_table("care_health_incidents")
