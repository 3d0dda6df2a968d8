"""initial: case types (seeded), work orders, timeline, attachments, SLA marks,
staff skills, patrols

Revision ID: 0001
Revises:
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sc_core.db.platform_migrations import create_platform_tables_v1, drop_platform_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
NOW = datetime(2026, 11, 24, tzinfo=UTC)
# Frozen here (not imported) so this migration never changes meaning. SLA minutes per
# priority: response = time to accept, resolution = time to resolve.
SEED: list[dict[str, Any]] = [
    {
        "code": "repair",
        "name": "Repair",
        "name_zh": "报事报修",
        "creator_roles": [
            "resident",
            "tenant",
            "family",
            "property_staff",
            "property_manager",
            "grid_worker",
            "community_admin",
        ],
        "default_priority": "normal",
        "sla": {
            "urgent": {"response": 30, "resolution": 240},
            "high": {"response": 60, "resolution": 1440},
            "normal": {"response": 240, "resolution": 4320},
            "low": {"response": 1440, "resolution": 10080},
        },
        "skills": ["plumbing", "electrical", "general"],
    },
    {
        "code": "complaint",
        "name": "Complaint",
        "name_zh": "投诉",
        "creator_roles": ["resident", "tenant", "family"],
        "default_priority": "normal",
        "sla": {
            "urgent": {"response": 30, "resolution": 240},
            "high": {"response": 60, "resolution": 1440},
            "normal": {"response": 240, "resolution": 4320},
            "low": {"response": 1440, "resolution": 10080},
        },
        "skills": ["service"],
    },
    {
        "code": "suggestion",
        "name": "Suggestion",
        "name_zh": "建议",
        "creator_roles": ["resident", "tenant", "family"],
        "default_priority": "low",
        "sla": {
            "urgent": {"response": 60, "resolution": 1440},
            "high": {"response": 240, "resolution": 4320},
            "normal": {"response": 1440, "resolution": 10080},
            "low": {"response": 2880, "resolution": 21600},
        },
        "skills": ["service"],
    },
    {
        "code": "hazard_report",
        "name": "Hazard report",
        "name_zh": "隐患上报",
        "creator_roles": [
            "resident",
            "tenant",
            "family",
            "property_staff",
            "property_manager",
            "grid_worker",
            "community_admin",
        ],
        "default_priority": "high",
        "sla": {
            "urgent": {"response": 10, "resolution": 120},
            "high": {"response": 30, "resolution": 480},
            "normal": {"response": 120, "resolution": 1440},
            "low": {"response": 240, "resolution": 4320},
        },
        "skills": ["safety"],
    },
    {
        "code": "alarm_dispatch",
        "name": "Alarm dispatch",
        "name_zh": "告警派单",
        "creator_roles": ["property_manager", "community_admin"],
        "default_priority": "high",
        "sla": {
            "urgent": {"response": 10, "resolution": 120},
            "high": {"response": 30, "resolution": 480},
            "normal": {"response": 120, "resolution": 1440},
            "low": {"response": 240, "resolution": 4320},
        },
        "skills": ["safety", "security"],
    },
    {
        "code": "patrol_issue",
        "name": "Patrol issue",
        "name_zh": "巡更异常",
        "creator_roles": ["property_staff", "property_manager", "grid_worker", "community_admin"],
        "default_priority": "normal",
        "sla": {
            "urgent": {"response": 30, "resolution": 240},
            "high": {"response": 60, "resolution": 1440},
            "normal": {"response": 240, "resolution": 4320},
            "low": {"response": 1440, "resolution": 10080},
        },
        "skills": ["security"],
    },
    {
        "code": "inspection",
        "name": "Inspection",
        "name_zh": "巡检",
        "creator_roles": ["property_staff", "property_manager", "grid_worker", "community_admin"],
        "default_priority": "normal",
        "sla": {
            "urgent": {"response": 30, "resolution": 240},
            "high": {"response": 60, "resolution": 1440},
            "normal": {"response": 240, "resolution": 4320},
            "low": {"response": 1440, "resolution": 10080},
        },
        "skills": ["general"],
    },
    {
        "code": "mediation",
        "name": "Mediation case",
        "name_zh": "矛盾调解",
        "creator_roles": [
            "resident",
            "tenant",
            "family",
            "property_staff",
            "property_manager",
            "grid_worker",
            "community_admin",
        ],
        "default_priority": "normal",
        "sla": {
            "urgent": {"response": 60, "resolution": 1440},
            "high": {"response": 240, "resolution": 4320},
            "normal": {"response": 1440, "resolution": 10080},
            "low": {"response": 2880, "resolution": 21600},
        },
        "skills": ["mediation"],
    },
    {
        "code": "maintenance_booking",
        "name": "Maintenance booking (outside provider)",
        "name_zh": "维修预约",
        "creator_roles": [
            "resident",
            "tenant",
            "family",
            "property_staff",
            "property_manager",
            "grid_worker",
            "community_admin",
        ],
        "default_priority": "normal",
        "sla": {
            "urgent": {"response": 30, "resolution": 240},
            "high": {"response": 60, "resolution": 1440},
            "normal": {"response": 240, "resolution": 4320},
            "low": {"response": 1440, "resolution": 10080},
        },
        "skills": ["provider"],
    },
    {
        "code": "hotline_ticket",
        "name": "12345 hotline ticket",
        "name_zh": "12345热线工单",
        "creator_roles": ["property_manager", "community_admin", "grid_worker"],
        "default_priority": "high",
        "sla": {
            "urgent": {"response": 30, "resolution": 240},
            "high": {"response": 60, "resolution": 1440},
            "normal": {"response": 240, "resolution": 4320},
            "low": {"response": 1440, "resolution": 10080},
        },
        "skills": ["service"],
        "needs_external_ref": True,
    },
    {
        "code": "department_task",
        "name": "Department linkage task",
        "name_zh": "部门联动任务",
        "creator_roles": ["property_manager", "community_admin", "grid_worker"],
        "default_priority": "high",
        "sla": {
            "urgent": {"response": 10, "resolution": 120},
            "high": {"response": 30, "resolution": 480},
            "normal": {"response": 120, "resolution": 1440},
            "low": {"response": 240, "resolution": 4320},
        },
        "skills": ["linkage"],
    },
]


def upgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table(
        "case_types",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("creator_roles", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("default_priority", sa.String(length=16), nullable=False),
        sa.Column("sla", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("skills", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("needs_external_ref", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_case_types")),
    )
    create_platform_tables_v1()
    op.create_table(
        "patrol_routes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("max_gap_minutes", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_routes")),
    )
    op.create_index(
        op.f("ix_patrol_routes_community_id"), "patrol_routes", ["community_id"], unique=False
    )
    op.create_table(
        "staff_skills",
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=True),
        sa.Column("skills", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("building_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("community_id", "user_id", name=op.f("pk_staff_skills")),
    )
    op.create_table(
        "patrol_checkpoints",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("route_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["patrol_routes.id"],
            name=op.f("fk_patrol_checkpoints_route_id_patrol_routes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_checkpoints")),
        sa.UniqueConstraint("route_id", "code", name=op.f("uq_patrol_checkpoints_route_id")),
    )
    op.create_table(
        "work_orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("case_type", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=True),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("room_id", sa.String(length=64), nullable=True),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("reporter_id", sa.String(length=64), nullable=True),
        sa.Column("assignee_id", sa.String(length=64), nullable=True),
        sa.Column("alarm_id", sa.String(length=64), nullable=True),
        sa.Column("alarm_cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("external_ref", sa.String(length=64), nullable=True),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("response_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sla_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated", sa.Boolean(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.String(length=1000), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_type"], ["case_types.code"], name=op.f("fk_work_orders_case_type_case_types")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_orders")),
        sa.UniqueConstraint("alarm_id", name=op.f("uq_work_orders_alarm_id")),
        sa.UniqueConstraint("seq", name=op.f("uq_work_orders_seq")),
    )
    op.create_index(
        "ix_work_orders_assignee_status", "work_orders", ["assignee_id", "status"], unique=False
    )
    op.create_index(
        "ix_work_orders_community_status", "work_orders", ["community_id", "status"], unique=False
    )
    op.create_index("ix_work_orders_household", "work_orders", ["household_id"], unique=False)
    op.create_index("ix_work_orders_reporter", "work_orders", ["reporter_id"], unique=False)
    op.create_index(
        "ix_work_orders_resolution_due", "work_orders", ["resolution_due_at"], unique=False
    )
    op.create_index("ix_work_orders_sla_check_at", "work_orders", ["sla_check_at"], unique=False)
    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=True),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_attachments_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(
        op.f("ix_attachments_work_order_id"), "attachments", ["work_order_id"], unique=False
    )
    op.create_table(
        "patrol_rounds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("route_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("assignee_id", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status", sa.String(length=16), server_default=sa.text("'scheduled'"), nullable=False
        ),
        sa.Column("missed_codes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("longest_gap_minutes", sa.Integer(), nullable=True),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["route_id"], ["patrol_routes.id"], name=op.f("fk_patrol_rounds_route_id_patrol_routes")
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_patrol_rounds_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_rounds")),
    )
    op.create_index(
        op.f("ix_patrol_rounds_community_id"), "patrol_rounds", ["community_id"], unique=False
    )
    op.create_index(
        "ix_patrol_rounds_open_end", "patrol_rounds", ["status", "window_end"], unique=False
    )
    op.create_index(op.f("ix_patrol_rounds_route_id"), "patrol_rounds", ["route_id"], unique=False)
    op.create_table(
        "sla_marks",
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("deadline", sa.String(length=16), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_sla_marks_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint(
            "work_order_id", "kind", "deadline", "due_at", name=op.f("pk_sla_marks")
        ),
    )
    op.create_table(
        "work_order_timeline",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("attachment_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_work_order_timeline_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order_timeline")),
        sa.UniqueConstraint(
            "work_order_id", "seq", name=op.f("uq_work_order_timeline_work_order_id")
        ),
    )
    op.create_table(
        "patrol_scans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("checkpoint_id", sa.Uuid(), nullable=False),
        sa.Column("scanned_by", sa.String(length=64), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"],
            ["patrol_checkpoints.id"],
            name=op.f("fk_patrol_scans_checkpoint_id_patrol_checkpoints"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["patrol_rounds.id"], name=op.f("fk_patrol_scans_round_id_patrol_rounds")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patrol_scans")),
    )
    op.create_index(op.f("ix_patrol_scans_round_id"), "patrol_scans", ["round_id"], unique=False)
    # ### end Alembic commands ###
    seed_case_types()


def seed_case_types() -> None:
    """The case types of the first release; admins change them through the API."""
    table = sa.table(
        "case_types",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("name_zh", sa.String),
        sa.column("creator_roles", postgresql.JSONB),
        sa.column("default_priority", sa.String),
        sa.column("sla", postgresql.JSONB),
        sa.column("skills", postgresql.JSONB),
        sa.column("needs_external_ref", sa.Boolean),
        sa.column("active", sa.Boolean),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        table,
        [{"needs_external_ref": False, "active": True, "updated_at": NOW, **row} for row in SEED],
    )


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_index(op.f("ix_patrol_scans_round_id"), table_name="patrol_scans")
    op.drop_table("patrol_scans")
    op.drop_table("work_order_timeline")
    op.drop_table("sla_marks")
    op.drop_index(op.f("ix_patrol_rounds_route_id"), table_name="patrol_rounds")
    op.drop_index("ix_patrol_rounds_open_end", table_name="patrol_rounds")
    op.drop_index(op.f("ix_patrol_rounds_community_id"), table_name="patrol_rounds")
    op.drop_table("patrol_rounds")
    op.drop_index(op.f("ix_attachments_work_order_id"), table_name="attachments")
    op.drop_table("attachments")
    op.drop_index("ix_work_orders_sla_check_at", table_name="work_orders")
    op.drop_index("ix_work_orders_resolution_due", table_name="work_orders")
    op.drop_index("ix_work_orders_reporter", table_name="work_orders")
    op.drop_index("ix_work_orders_household", table_name="work_orders")
    op.drop_index("ix_work_orders_community_status", table_name="work_orders")
    op.drop_index("ix_work_orders_assignee_status", table_name="work_orders")
    op.drop_table("work_orders")
    op.drop_table("patrol_checkpoints")
    op.drop_table("staff_skills")
    op.drop_index(op.f("ix_patrol_routes_community_id"), table_name="patrol_routes")
    op.drop_table("patrol_routes")
    drop_platform_tables_v1()
    op.drop_table("case_types")
    # ### end Alembic commands ###
