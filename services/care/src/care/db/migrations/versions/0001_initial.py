"""care: records, grants, devices, vitals, ranges, episodes, the watch, visits
(and the platform and place tables)

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sc_core.db.platform_migrations import create_platform_tables_v1
from sc_core.places.migrations import create_place_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables_v1()
    create_place_tables_v1()
    op.create_table(
        "care_anomalies",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("utility", sa.String(length=16), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_care_anomalies")),
    )
    op.create_index(
        op.f("ix_care_anomalies_person_id"), "care_anomalies", ["person_id"], unique=False
    )
    op.create_table(
        "care_device_bindings",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("bound_by", sa.String(length=128), nullable=False),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_care_device_bindings")),
    )
    op.create_index(
        op.f("ix_care_device_bindings_person_id"),
        "care_device_bindings",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "care_episodes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_breach_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_values", sa.Text(), nullable=False),
        sa.Column("worst_values", sa.Text(), nullable=False),
        sa.Column("readings", sa.Integer(), nullable=False),
        sa.Column("range_text", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_episodes")),
    )
    op.create_index(
        op.f("ix_care_episodes_person_id"), "care_episodes", ["person_id"], unique=False
    )
    op.create_index(
        "ux_care_episodes_open",
        "care_episodes",
        ["person_id", "kind"],
        unique=True,
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_table(
        "care_grants",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("grantee", sa.String(length=128), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("categories", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("granted_by", sa.String(length=128), nullable=False),
        sa.Column("granted_as", sa.String(length=16), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_grants")),
    )
    op.create_index(op.f("ix_care_grants_grantee"), "care_grants", ["grantee"], unique=False)
    op.create_index(op.f("ix_care_grants_person_id"), "care_grants", ["person_id"], unique=False)
    op.create_table(
        "care_meter_samples",
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("utility", sa.String(length=16), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counter", sa.Double(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "utility", "ts", name=op.f("pk_care_meter_samples")),
    )
    op.create_table(
        "care_persons",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("room_id", sa.String(length=64), nullable=True),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.String(length=128), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Text(), nullable=False),
        sa.Column("gender", sa.String(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("guardians", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("has_capacity", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_persons")),
    )
    op.create_index(
        op.f("ix_care_persons_community_id"), "care_persons", ["community_id"], unique=False
    )
    op.create_index(
        op.f("ix_care_persons_household_id"), "care_persons", ["household_id"], unique=False
    )
    op.create_index(op.f("ix_care_persons_user_id"), "care_persons", ["user_id"], unique=False)
    op.create_table(
        "care_thresholds",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("ranges", sa.Text(), nullable=False),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "kind", name=op.f("pk_care_thresholds")),
    )
    op.create_table(
        "care_visits",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("grid_id", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("assignee", sa.String(length=128), nullable=True),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("rule", sa.String(length=16), nullable=True),
        sa.Column("anomaly_key", sa.String(length=200), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("record", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_visits")),
    )
    op.create_index(op.f("ix_care_visits_assignee"), "care_visits", ["assignee"], unique=False)
    op.create_index(
        op.f("ix_care_visits_community_id"), "care_visits", ["community_id"], unique=False
    )
    op.create_index(op.f("ix_care_visits_grid_id"), "care_visits", ["grid_id"], unique=False)
    op.create_index(op.f("ix_care_visits_person_id"), "care_visits", ["person_id"], unique=False)
    op.create_table(
        "care_vitals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("values", sa.Text(), nullable=False),
        sa.Column("recorded_unit", sa.String(length=16), nullable=True),
        sa.Column("measured_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("recorded_by", sa.String(length=128), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_vitals")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_care_vitals_dedupe_key")),
    )
    op.create_index(
        "ix_care_vitals_person_time", "care_vitals", ["person_id", "measured_at"], unique=False
    )
    op.create_table(
        "care_watch",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_care_watch")),
    )
    op.create_index(
        op.f("ix_care_watch_community_id"), "care_watch", ["community_id"], unique=False
    )
    op.create_index(op.f("ix_care_watch_room_id"), "care_watch", ["room_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_care_watch_room_id"), table_name="care_watch")
    op.drop_index(op.f("ix_care_watch_community_id"), table_name="care_watch")
    op.drop_table("care_watch")
    op.drop_index("ix_care_vitals_person_time", table_name="care_vitals")
    op.drop_table("care_vitals")
    op.drop_index(op.f("ix_care_visits_person_id"), table_name="care_visits")
    op.drop_index(op.f("ix_care_visits_grid_id"), table_name="care_visits")
    op.drop_index(op.f("ix_care_visits_community_id"), table_name="care_visits")
    op.drop_index(op.f("ix_care_visits_assignee"), table_name="care_visits")
    op.drop_table("care_visits")
    op.drop_table("care_thresholds")
    op.drop_index(op.f("ix_care_persons_user_id"), table_name="care_persons")
    op.drop_index(op.f("ix_care_persons_household_id"), table_name="care_persons")
    op.drop_index(op.f("ix_care_persons_community_id"), table_name="care_persons")
    op.drop_table("care_persons")
    op.drop_table("care_meter_samples")
    op.drop_index(op.f("ix_care_grants_person_id"), table_name="care_grants")
    op.drop_index(op.f("ix_care_grants_grantee"), table_name="care_grants")
    op.drop_table("care_grants")
    op.drop_index(
        "ux_care_episodes_open",
        table_name="care_episodes",
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.drop_index(op.f("ix_care_episodes_person_id"), table_name="care_episodes")
    op.drop_table("care_episodes")
    op.drop_index(op.f("ix_care_device_bindings_person_id"), table_name="care_device_bindings")
    op.drop_table("care_device_bindings")
    op.drop_index(op.f("ix_care_anomalies_person_id"), table_name="care_anomalies")
    op.drop_table("care_anomalies")
