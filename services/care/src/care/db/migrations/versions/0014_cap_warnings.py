"""care: CAP 1.2 warnings (alerts, info blocks, places reached, elders told) and the
buildings' points and division codes on the place directory

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sc_core.places import add_place_points_v1, drop_place_points_v1

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_place_points_v1()
    op.create_table(
        "care_warnings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sender", sa.String(length=255), nullable=False),
        sa.Column("identifier", sa.String(length=255), nullable=False),
        sa.Column("sent", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("msg_type", sa.String(length=16), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("references", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=True),
        sa.Column("communities", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("untargeted", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_by", sa.String(length=128), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_warnings")),
        sa.UniqueConstraint("sender", "identifier", name="uq_care_warnings_sender_id"),
    )
    op.create_table(
        "care_warning_infos",
        sa.Column("warning_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("categories", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("certainty", sa.String(length=16), nullable=False),
        sa.Column("headline", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("sender_name", sa.Text(), nullable=True),
        sa.Column("effective", sa.DateTime(timezone=True), nullable=True),
        sa.Column("onset", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=True),
        sa.Column("areas", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("warning_id", "position", name=op.f("pk_care_warning_infos")),
    )
    op.create_table(
        "care_warning_places",
        sa.Column("warning_id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("warning_id", "building_id", name=op.f("pk_care_warning_places")),
    )
    op.create_index(
        op.f("ix_care_warning_places_community_id"), "care_warning_places", ["community_id"]
    )
    op.create_table(
        "care_warning_told",
        sa.Column("warning_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("users", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("request_id", sa.String(length=200), nullable=True),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("warning_id", "person_id", name=op.f("pk_care_warning_told")),
    )


def downgrade() -> None:
    op.drop_table("care_warning_told")
    op.drop_index(op.f("ix_care_warning_places_community_id"), table_name="care_warning_places")
    op.drop_table("care_warning_places")
    op.drop_table("care_warning_infos")
    op.drop_table("care_warnings")
    drop_place_points_v1()
