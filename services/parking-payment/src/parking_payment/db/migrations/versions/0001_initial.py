"""initial: payments (orders, refunds, callbacks, idempotency keys, reconciliations),
parking (tariffs, lots, gates, vehicles, passes, watch list, passages, sessions), fees and
bills, charging (charge points, connectors, tags, transactions, e-bike charges)

Revision ID: 0001
Revises:
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
        "bills",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("room_label", sa.String(length=120), nullable=False),
        sa.Column("area_m2", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("lines", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paid_amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payment_ref", sa.String(length=64), nullable=True),
        sa.Column("receipt_no", sa.String(length=24), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bills")),
        sa.UniqueConstraint("receipt_no", name=op.f("uq_bills_receipt_no")),
        sa.UniqueConstraint("room_id", "period", name=op.f("uq_bills_room_id")),
    )
    op.create_index(
        "ix_bills_community_period_status",
        "bills",
        ["community_id", "period", "status"],
        unique=False,
    )
    op.create_index("ix_bills_due_unpaid", "bills", ["status", "due"], unique=False)
    op.create_index("ix_bills_household", "bills", ["household_id", "period"], unique=False)
    op.create_table(
        "charge_points",
        sa.Column("id", sa.String(length=48), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("password_hash", sa.String(length=128), nullable=True),
        sa.Column("energy_price", sa.Integer(), nullable=False),
        sa.Column("service_fee", sa.Integer(), nullable=False),
        sa.Column("vendor", sa.String(length=50), nullable=True),
        sa.Column("model", sa.String(length=50), nullable=True),
        sa.Column("ocpp_version", sa.String(length=12), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charge_points")),
    )
    op.create_index(
        op.f("ix_charge_points_community_id"), "charge_points", ["community_id"], unique=False
    )
    op.create_table(
        "charge_tags",
        sa.Column("id_tag", sa.String(length=20), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id_tag", name=op.f("pk_charge_tags")),
    )
    op.create_index(op.f("ix_charge_tags_account"), "charge_tags", ["account"], unique=False)
    op.create_table(
        "ebike_charges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_power_w", sa.Integer(), nullable=False),
        sa.Column("charging", sa.Boolean(), nullable=False),
        sa.Column("alarms", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ebike_charges")),
    )
    op.create_index(
        "ix_ebike_charges_device_started",
        "ebike_charges",
        ["device_id", "started_at"],
        unique=False,
    )
    op.create_table(
        "fee_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=14, scale=4), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("meter", sa.String(length=16), nullable=True),
        sa.Column("tiers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_items")),
    )
    op.create_index(op.f("ix_fee_items_community_id"), "fee_items", ["community_id"], unique=False)
    op.create_table(
        "fee_rooms",
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("unit_id", sa.String(length=64), nullable=True),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("area_m2", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("room_id", name=op.f("pk_fee_rooms")),
    )
    op.create_index(op.f("ix_fee_rooms_community_id"), "fee_rooms", ["community_id"], unique=False)
    op.create_table(
        "idempotency_keys",
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index(
        op.f("ix_idempotency_keys_expires_at"), "idempotency_keys", ["expires_at"], unique=False
    )
    op.create_table(
        "meter_months",
        sa.Column("room_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "device_id", "month", name=op.f("pk_meter_months")),
    )
    op.create_table(
        "payment_callbacks",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("notification_id", sa.String(length=64), nullable=True),
        sa.Column("out_trade_no", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=48), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_callbacks")),
    )
    op.create_index(
        "ix_payment_callbacks_received", "payment_callbacks", ["received_at"], unique=False
    )
    op.create_index(
        "uq_payment_callbacks_notification",
        "payment_callbacks",
        ["provider", "notification_id"],
        unique=True,
        postgresql_where=sa.text("notification_id IS NOT NULL"),
    )
    op.create_table(
        "payment_orders",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("out_trade_no", sa.String(length=32), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("description", sa.String(length=127), nullable=False),
        sa.Column("purpose", sa.String(length=24), nullable=False),
        sa.Column("target_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=True),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("payer_account", sa.String(length=64), nullable=True),
        sa.Column("merchant_id", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("trade_no", sa.String(length=64), nullable=True),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refunded", sa.BigInteger(), nullable=False),
        sa.Column("flags", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("prepay", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_orders")),
        sa.UniqueConstraint("out_trade_no", name=op.f("uq_payment_orders_out_trade_no")),
    )
    op.create_index(
        "ix_payment_orders_community_created",
        "payment_orders",
        ["community_id", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_payment_orders_open",
        "payment_orders",
        ["expires_at"],
        unique=False,
        postgresql_where=sa.text("status IN ('created', 'pending')"),
    )
    op.create_index(
        "ix_payment_orders_paid_at", "payment_orders", ["provider", "paid_at"], unique=False
    )
    op.create_index(
        "ix_payment_orders_payer_created",
        "payment_orders",
        ["payer_account", "created_at"],
        unique=False,
    )
    op.create_index(
        "ix_payment_orders_target", "payment_orders", ["purpose", "target_id"], unique=False
    )
    op.create_table(
        "receipt_counters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_receipt_counters")),
    )
    op.create_table(
        "reconciliations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider", sa.String(length=16), nullable=False),
        sa.Column("merchant_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("balanced", sa.Boolean(), nullable=False),
        sa.Column("local_total", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("provider_total", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("differences", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliations")),
        sa.UniqueConstraint(
            "provider", "merchant_id", "day", name=op.f("uq_reconciliations_provider")
        ),
    )
    op.create_table(
        "tariffs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("rules", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariffs")),
    )
    op.create_index(op.f("ix_tariffs_community_id"), "tariffs", ["community_id"], unique=False)
    op.create_table(
        "visitor_passes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("granted_by", sa.String(length=64), nullable=False),
        sa.Column("plate", sa.Text(), nullable=False),
        sa.Column("plate_index", sa.String(length=64), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visitor_passes")),
    )
    op.create_index(
        "ix_visitor_passes_plate", "visitor_passes", ["community_id", "plate_index"], unique=False
    )
    op.create_table(
        "watch_list",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("plate", sa.Text(), nullable=False),
        sa.Column("plate_index", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("block", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_list")),
    )
    op.create_index(
        "uq_watch_list_active",
        "watch_list",
        ["community_id", "plate_index"],
        unique=True,
        postgresql_where=sa.text("active"),
    )
    op.create_table(
        "charge_connectors",
        sa.Column("charge_point_id", sa.String(length=48), nullable=False),
        sa.Column("connector", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("error_code", sa.String(length=40), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["charge_point_id"],
            ["charge_points.id"],
            name=op.f("fk_charge_connectors_charge_point_id_charge_points"),
        ),
        sa.PrimaryKeyConstraint("charge_point_id", "connector", name=op.f("pk_charge_connectors")),
    )
    op.create_table(
        "charging_transactions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("charge_point_id", sa.String(length=48), nullable=False),
        sa.Column("connector", sa.Integer(), nullable=False),
        sa.Column("id_tag", sa.String(length=36), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=True),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("meter_start", sa.BigInteger(), nullable=False),
        sa.Column("meter_last", sa.BigInteger(), nullable=True),
        sa.Column("meter_stop", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("order_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["charge_point_id"],
            ["charge_points.id"],
            name=op.f("fk_charging_transactions_charge_point_id_charge_points"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charging_transactions")),
    )
    op.create_index(
        "ix_charging_transactions_account",
        "charging_transactions",
        ["account", "started_at"],
        unique=False,
    )
    op.create_index(
        "ix_charging_transactions_active",
        "charging_transactions",
        ["charge_point_id", "connector"],
        unique=False,
        postgresql_where=sa.text("status = 'charging'"),
    )
    op.create_table(
        "lots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("occupied", sa.Integer(), nullable=False),
        sa.Column("tariff_id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tariff_id"], ["tariffs.id"], name=op.f("fk_lots_tariff_id_tariffs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lots")),
    )
    op.create_index(op.f("ix_lots_community_id"), "lots", ["community_id"], unique=False)
    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("order_id", sa.Uuid(), nullable=False),
        sa.Column("out_refund_no", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("provider_refund_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("succeeded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["payment_orders.id"],
            name=op.f("fk_payment_refunds_order_id_payment_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_refunds")),
        sa.UniqueConstraint("out_refund_no", name=op.f("uq_payment_refunds_out_refund_no")),
    )
    op.create_index(
        op.f("ix_payment_refunds_order_id"), "payment_refunds", ["order_id"], unique=False
    )
    op.create_table(
        "gates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("lot_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("camera_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("barrier_device_id", sa.String(length=64), nullable=False),
        sa.Column("door_id", sa.String(length=64), nullable=True),
        sa.Column("zone", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_gates_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gates")),
        sa.UniqueConstraint("camera_id", name=op.f("uq_gates_camera_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_gates_token_hash")),
    )
    op.create_index(op.f("ix_gates_lot_id"), "gates", ["lot_id"], unique=False)
    op.create_table(
        "parking_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("lot_id", sa.Uuid(), nullable=False),
        sa.Column("plate", sa.Text(), nullable=True),
        sa.Column("plate_index", sa.String(length=64), nullable=True),
        sa.Column("ticket", sa.String(length=32), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("entry_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entry_gate", sa.Uuid(), nullable=True),
        sa.Column("paid", sa.BigInteger(), nullable=False),
        sa.Column("last_paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exit_gate", sa.Uuid(), nullable=True),
        sa.Column("fee", sa.BigInteger(), nullable=True),
        sa.Column("last_zone", sa.String(length=60), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["lots.id"], name=op.f("fk_parking_sessions_lot_id_lots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parking_sessions")),
        sa.UniqueConstraint("ticket", name=op.f("uq_parking_sessions_ticket")),
    )
    op.create_index(
        "ix_parking_sessions_community_entry",
        "parking_sessions",
        ["community_id", "entry_at"],
        unique=False,
    )
    op.create_index(
        "uq_parking_sessions_open_plate",
        "parking_sessions",
        ["lot_id", "plate_index"],
        unique=True,
        postgresql_where=sa.text("status = 'open' AND plate_index IS NOT NULL"),
    )
    op.create_table(
        "vehicles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("owner_account", sa.String(length=64), nullable=False),
        sa.Column("plate", sa.Text(), nullable=False),
        sa.Column("plate_index", sa.String(length=64), nullable=False),
        sa.Column("color", sa.String(length=16), nullable=False),
        sa.Column("pass_kind", sa.String(length=16), nullable=False),
        sa.Column("pass_valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pass_valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lot_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_vehicles_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicles")),
    )
    op.create_index(op.f("ix_vehicles_household_id"), "vehicles", ["household_id"], unique=False)
    op.create_index(op.f("ix_vehicles_owner_account"), "vehicles", ["owner_account"], unique=False)
    op.create_index(
        "uq_vehicles_community_plate", "vehicles", ["community_id", "plate_index"], unique=True
    )
    op.create_table(
        "passages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("lot_id", sa.Uuid(), nullable=False),
        sa.Column("gate_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("plate", sa.Text(), nullable=True),
        sa.Column("plate_index", sa.String(length=64), nullable=True),
        sa.Column("color", sa.String(length=16), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("due", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("photos", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(["gate_id"], ["gates.id"], name=op.f("fk_passages_gate_id_gates")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_passages_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passages")),
        sa.UniqueConstraint("seq", name=op.f("uq_passages_seq")),
    )
    op.create_index("ix_passages_community_at", "passages", ["community_id", "at"], unique=False)
    op.create_index("ix_passages_plate_at", "passages", ["plate_index", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_passages_plate_at", table_name="passages")
    op.drop_index("ix_passages_community_at", table_name="passages")
    op.drop_table("passages")
    op.drop_index("uq_vehicles_community_plate", table_name="vehicles")
    op.drop_index(op.f("ix_vehicles_owner_account"), table_name="vehicles")
    op.drop_index(op.f("ix_vehicles_household_id"), table_name="vehicles")
    op.drop_table("vehicles")
    op.drop_index(
        "uq_parking_sessions_open_plate",
        table_name="parking_sessions",
        postgresql_where=sa.text("status = 'open' AND plate_index IS NOT NULL"),
    )
    op.drop_index("ix_parking_sessions_community_entry", table_name="parking_sessions")
    op.drop_table("parking_sessions")
    op.drop_index(op.f("ix_gates_lot_id"), table_name="gates")
    op.drop_table("gates")
    op.drop_index(op.f("ix_payment_refunds_order_id"), table_name="payment_refunds")
    op.drop_table("payment_refunds")
    op.drop_index(op.f("ix_lots_community_id"), table_name="lots")
    op.drop_table("lots")
    op.drop_index(
        "ix_charging_transactions_active",
        table_name="charging_transactions",
        postgresql_where=sa.text("status = 'charging'"),
    )
    op.drop_index("ix_charging_transactions_account", table_name="charging_transactions")
    op.drop_table("charging_transactions")
    op.drop_table("charge_connectors")
    op.drop_index(
        "uq_watch_list_active", table_name="watch_list", postgresql_where=sa.text("active")
    )
    op.drop_table("watch_list")
    op.drop_index("ix_visitor_passes_plate", table_name="visitor_passes")
    op.drop_table("visitor_passes")
    op.drop_index(op.f("ix_tariffs_community_id"), table_name="tariffs")
    op.drop_table("tariffs")
    op.drop_table("reconciliations")
    op.drop_table("receipt_counters")
    op.drop_index("ix_payment_orders_target", table_name="payment_orders")
    op.drop_index("ix_payment_orders_payer_created", table_name="payment_orders")
    op.drop_index("ix_payment_orders_paid_at", table_name="payment_orders")
    op.drop_index(
        "ix_payment_orders_open",
        table_name="payment_orders",
        postgresql_where=sa.text("status IN ('created', 'pending')"),
    )
    op.drop_index("ix_payment_orders_community_created", table_name="payment_orders")
    op.drop_table("payment_orders")
    op.drop_index(
        "uq_payment_callbacks_notification",
        table_name="payment_callbacks",
        postgresql_where=sa.text("notification_id IS NOT NULL"),
    )
    op.drop_index("ix_payment_callbacks_received", table_name="payment_callbacks")
    op.drop_table("payment_callbacks")
    op.drop_table("meter_months")
    op.drop_index(op.f("ix_idempotency_keys_expires_at"), table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index(op.f("ix_fee_rooms_community_id"), table_name="fee_rooms")
    op.drop_table("fee_rooms")
    op.drop_index(op.f("ix_fee_items_community_id"), table_name="fee_items")
    op.drop_table("fee_items")
    op.drop_index("ix_ebike_charges_device_started", table_name="ebike_charges")
    op.drop_table("ebike_charges")
    op.drop_index(op.f("ix_charge_tags_account"), table_name="charge_tags")
    op.drop_table("charge_tags")
    op.drop_index(op.f("ix_charge_points_community_id"), table_name="charge_points")
    op.drop_table("charge_points")
    op.drop_index("ix_bills_household", table_name="bills")
    op.drop_index("ix_bills_due_unpaid", table_name="bills")
    op.drop_index("ix_bills_community_period_status", table_name="bills")
    op.drop_table("bills")
    drop_platform_tables_v1()
