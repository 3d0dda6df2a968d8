"""initial

Revision ID: 0001
Revises:

The service's tables, and the templates of every code the other services use
(zh-CN and en), which admins edit afterwards.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sc_core.db.platform_migrations import create_platform_tables_v1, drop_platform_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables_v1()
    op.create_table(
        "alarm_feed",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=100), nullable=False),
        sa.Column("alarm_id", sa.String(length=64), nullable=False),
        sa.Column("alarm_type", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alarm_feed")),
        sa.UniqueConstraint("event_id", name=op.f("uq_alarm_feed_event_id")),
    )
    op.create_index("ix_alarm_feed_community", "alarm_feed", ["community_id", "id"], unique=False)
    op.create_table(
        "broadcast_endpoint",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("device_type", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=128), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_endpoint")),
        sa.UniqueConstraint("device_id", name=op.f("uq_broadcast_endpoint_device_id")),
    )
    op.create_index(
        "ix_broadcast_endpoint_place",
        "broadcast_endpoint",
        ["community_id", "building_id"],
        unique=False,
    )
    op.create_table(
        "building_grid",
        sa.Column("building_id", sa.String(length=64), nullable=False),
        sa.Column("grid_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("building_id", name=op.f("pk_building_grid")),
    )
    op.create_index("ix_building_grid_grid", "building_grid", ["grid_id"], unique=False)
    op.create_table(
        "dev_sink",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("delivery_id", sa.UUID(), nullable=False),
        sa.Column("recipient_id", sa.String(length=128), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dev_sink")),
    )
    op.create_index("ix_dev_sink_recipient", "dev_sink", ["recipient_id", "id"], unique=False)
    op.create_table(
        "grant_projection",
        sa.Column("grant_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("scope_type", sa.String(length=16), nullable=False),
        sa.Column("scope_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("grant_id", name=op.f("pk_grant_projection")),
    )
    op.create_index("ix_grant_projection_account", "grant_projection", ["account_id"], unique=False)
    op.create_index(
        "ix_grant_projection_community", "grant_projection", ["community_id", "role"], unique=False
    )
    op.create_index(
        "ix_grant_projection_scope",
        "grant_projection",
        ["scope_type", "scope_id", "role"],
        unique=False,
    )
    op.create_table(
        "inbox_message",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("delivery_id", sa.UUID(), nullable=False),
        sa.Column("request_id", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=True),
        sa.Column("correlation_id", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_message")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_inbox_message_delivery_id")),
    )
    op.create_index(
        "ix_inbox_message_unread",
        "inbox_message",
        ["user_id"],
        unique=False,
        postgresql_where=sa.text("read_at IS NULL"),
    )
    op.create_index("ix_inbox_message_user", "inbox_message", ["user_id", "id"], unique=False)
    op.create_table(
        "notification_request",
        sa.Column("request_id", sa.String(length=200), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column(
            "variables",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("channels", sa.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("source_service", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=True),
        sa.Column("correlation_id", sa.String(length=200), nullable=True),
        sa.Column("recipients", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("recipient_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_notification_request")),
    )
    op.create_index(
        "ix_notification_request_community",
        "notification_request",
        ["community_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "preference",
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column(
            "push_tokens",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        sa.Column("quiet_start", sa.String(length=5), nullable=True),
        sa.Column("quiet_end", sa.String(length=5), nullable=True),
        sa.Column(
            "opt_out",
            sa.ARRAY(sa.String(length=16)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_preference")),
    )
    op.create_table(
        "template",
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=128), nullable=True),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("code", "locale", name=op.f("pk_template")),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("request_id", sa.String(length=200), nullable=False),
        sa.Column("recipient_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=True),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("correlation_id", sa.String(length=200), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["notification_request.request_id"],
            name=op.f("fk_delivery_request_id_notification_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("request_id", "recipient_id", "channel", name="uq_delivery_target"),
    )
    op.create_index(
        "ix_delivery_due",
        "delivery",
        ["next_attempt_at"],
        unique=False,
        postgresql_where=sa.text("status IN ('pending', 'held')"),
    )
    op.create_index(
        "ix_delivery_recipient", "delivery", ["recipient_id", "channel", "created_at"], unique=False
    )
    op.create_table(
        "delivery_attempt",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("delivery_id", sa.UUID(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("provider_ref", sa.String(length=200), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["delivery.id"],
            name=op.f("fk_delivery_attempt_delivery_id_delivery"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_attempt")),
    )
    op.create_index(
        "ix_delivery_attempt_delivery", "delivery_attempt", ["delivery_id", "attempt"], unique=False
    )

    seed_templates()


# The seed as it was when this migration was written (later edits go through the API or
# a later migration, never through this one).
SEED_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    "alarm.raised": {
        "zh-CN": (
            "【{severity}告警】{title}",
            "{place}发生{alarm_type}告警：{title}，请立即处置。",
        ),
        "en": (
            "[{severity} alarm] {title}",
            "{alarm_type} alarm at {place}: {title}. Please act now.",
        ),
    },
    "alarm.escalated": {
        "zh-CN": (
            "【告警升级 第{stage}级】{title}",
            "{place}的{alarm_type}告警（{severity}）仍未处置，已升级至第{stage}级：{title}。",
        ),
        "en": (
            "[Escalated, stage {stage}] {title}",
            "The {severity} {alarm_type} alarm at {place} is still open and "
            "was escalated to stage {stage}: {title}.",
        ),
    },
    "alarm.cleared": {
        "zh-CN": ("【告警解除】{title}", "{place}的{alarm_type}告警已解除：{title}。"),
        "en": (
            "[Alarm cleared] {title}",
            "The {alarm_type} alarm at {place} was cleared: {title}.",
        ),
    },
    "emergency.warning": {
        "zh-CN": ("【预警】{title}", "{message}"),
        "en": ("[Warning] {title}", "{message}"),
    },
    "generic.message": {"zh-CN": ("{title}", "{body}"), "en": ("{title}", "{body}")},
    "workorder.created": {
        "zh-CN": (
            "工单已受理：{number} {title}",
            "工单 {number}（{case_type}）已受理，当前状态：{status}。",
        ),
        "en": (
            "Work order was created: {number} {title}",
            "Work order {number} ({case_type}) was created; status: {status}.",
        ),
    },
    "workorder.accepted": {
        "zh-CN": (
            "工单已接单：{number} {title}",
            "工单 {number}（{case_type}）已接单，当前状态：{status}。",
        ),
        "en": (
            "Work order was accepted: {number} {title}",
            "Work order {number} ({case_type}) was accepted; status: {status}.",
        ),
    },
    "workorder.assigned": {
        "zh-CN": (
            "工单已派单：{number} {title}",
            "工单 {number}（{case_type}）已派单，当前状态：{status}。",
        ),
        "en": (
            "Work order was assigned: {number} {title}",
            "Work order {number} ({case_type}) was assigned; status: {status}.",
        ),
    },
    "workorder.replied": {
        "zh-CN": (
            "工单有新回复：{number} {title}",
            "工单 {number}（{case_type}）有新回复，当前状态：{status}。",
        ),
        "en": (
            "Work order has a new reply: {number} {title}",
            "Work order {number} ({case_type}) has a new reply; status: {status}.",
        ),
    },
    "workorder.resolved": {
        "zh-CN": (
            "工单已处理完成：{number} {title}",
            "工单 {number}（{case_type}）已处理完成，当前状态：{status}。",
        ),
        "en": (
            "Work order was resolved: {number} {title}",
            "Work order {number} ({case_type}) was resolved; status: {status}.",
        ),
    },
    "workorder.closed": {
        "zh-CN": (
            "工单已关闭：{number} {title}",
            "工单 {number}（{case_type}）已关闭，当前状态：{status}。",
        ),
        "en": (
            "Work order was closed: {number} {title}",
            "Work order {number} ({case_type}) was closed; status: {status}.",
        ),
    },
    "workorder.rejected": {
        "zh-CN": (
            "工单已退回：{number} {title}",
            "工单 {number}（{case_type}）已退回，当前状态：{status}。",
        ),
        "en": (
            "Work order was rejected: {number} {title}",
            "Work order {number} ({case_type}) was rejected; status: {status}.",
        ),
    },
    "workorder.reopened": {
        "zh-CN": (
            "工单已重新打开：{number} {title}",
            "工单 {number}（{case_type}）已重新打开，当前状态：{status}。",
        ),
        "en": (
            "Work order was reopened: {number} {title}",
            "Work order {number} ({case_type}) was reopened; status: {status}.",
        ),
    },
    "workorder.sla_breached": {
        "zh-CN": (
            "工单已超时：{number} {title}",
            "工单 {number}（{case_type}）已超时，当前状态：{status}。",
        ),
        "en": (
            "Work order is overdue: {number} {title}",
            "Work order {number} ({case_type}) is overdue; status: {status}.",
        ),
    },
}


def seed_templates() -> None:
    template = sa.table(
        "template",
        sa.column("code", sa.String),
        sa.column("locale", sa.String),
        sa.column("title", sa.Text),
        sa.column("body", sa.Text),
        sa.column("updated_by", sa.String),
    )
    rows = [
        {"code": code, "locale": locale, "title": title, "body": body, "updated_by": "migration"}
        for code, by_locale in SEED_TEMPLATES.items()
        for locale, (title, body) in by_locale.items()
    ]
    op.bulk_insert(template, rows)


def downgrade() -> None:
    drop_platform_tables_v1()
    op.drop_index("ix_delivery_attempt_delivery", table_name="delivery_attempt")
    op.drop_table("delivery_attempt")
    op.drop_index("ix_delivery_recipient", table_name="delivery")
    op.drop_index(
        "ix_delivery_due",
        table_name="delivery",
        postgresql_where=sa.text("status IN ('pending', 'held')"),
    )
    op.drop_table("delivery")
    op.drop_table("template")
    op.drop_table("preference")
    op.drop_index("ix_notification_request_community", table_name="notification_request")
    op.drop_table("notification_request")
    op.drop_index("ix_inbox_message_user", table_name="inbox_message")
    op.drop_index(
        "ix_inbox_message_unread",
        table_name="inbox_message",
        postgresql_where=sa.text("read_at IS NULL"),
    )
    op.drop_table("inbox_message")
    op.drop_index("ix_grant_projection_scope", table_name="grant_projection")
    op.drop_index("ix_grant_projection_community", table_name="grant_projection")
    op.drop_index("ix_grant_projection_account", table_name="grant_projection")
    op.drop_table("grant_projection")
    op.drop_index("ix_dev_sink_recipient", table_name="dev_sink")
    op.drop_table("dev_sink")
    op.drop_index("ix_building_grid_grid", table_name="building_grid")
    op.drop_table("building_grid")
    op.drop_index("ix_broadcast_endpoint_place", table_name="broadcast_endpoint")
    op.drop_table("broadcast_endpoint")
    op.drop_index("ix_alarm_feed_community", table_name="alarm_feed")
    op.drop_table("alarm_feed")
