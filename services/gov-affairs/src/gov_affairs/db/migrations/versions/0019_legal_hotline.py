"""legal services (lawyers, consultation slots, bookings, mediation case states) and the
hotline view (12345 tickets and their steps from work-orders' events)

Revision ID: 0019
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None

JSON = postgresql.JSONB(astext_type=sa.Text())
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "legal_lawyers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),  # encrypted
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("firm", sa.String(length=120), nullable=False),
        sa.Column("specialties", JSON, nullable=False),
        sa.Column("intro", sa.String(length=1000), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_lawyers")),
        sa.UniqueConstraint("account_id", "community_id", name=op.f("uq_legal_lawyers_account_id")),
    )
    op.create_index(
        "ix_legal_lawyers_community", "legal_lawyers", ["community_id", "created_at", "id"]
    )
    op.create_table(
        "legal_slots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("lawyer_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("starts_at", WHEN, nullable=False),
        sa.Column("ends_at", WHEN, nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("fee_fen", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.CheckConstraint("fee_fen >= 0", name=op.f("ck_legal_slots_fee_not_negative")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_legal_slots_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["lawyer_id"], ["legal_lawyers.id"], name=op.f("fk_legal_slots_lawyer_id_legal_lawyers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_slots")),
        sa.UniqueConstraint("lawyer_id", "starts_at", name=op.f("uq_legal_slots_lawyer_id")),
    )
    op.create_index("ix_legal_slots_community", "legal_slots", ["community_id", "starts_at", "id"])
    op.create_table(
        "legal_bookings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slot_id", sa.Uuid(), nullable=False),
        sa.Column("lawyer_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("resident", sa.String(length=64), nullable=False),
        sa.Column("starts_at", WHEN, nullable=False),
        sa.Column("topic", sa.String(length=24), nullable=False),
        sa.Column("question", sa.String(length=1000), nullable=False),
        sa.Column("fee_fen", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=2000), nullable=True),
        sa.Column("outcome_by", sa.String(length=64), nullable=True),
        sa.Column("outcome_at", WHEN, nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("rating_comment", sa.String(length=500), nullable=True),
        sa.Column("rated_at", WHEN, nullable=True),
        sa.Column("booked_at", WHEN, nullable=False),
        sa.Column("cancelled_at", WHEN, nullable=True),
        sa.CheckConstraint(
            "rating IS NULL OR rating BETWEEN 1 AND 5", name=op.f("ck_legal_bookings_rating_1_to_5")
        ),
        sa.ForeignKeyConstraint(
            ["lawyer_id"],
            ["legal_lawyers.id"],
            name=op.f("fk_legal_bookings_lawyer_id_legal_lawyers"),
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["legal_slots.id"], name=op.f("fk_legal_bookings_slot_id_legal_slots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_bookings")),
    )
    op.create_index(op.f("ix_legal_bookings_resident"), "legal_bookings", ["resident"])
    op.create_index(
        "ix_legal_bookings_community", "legal_bookings", ["community_id", "starts_at", "id"]
    )
    op.create_index("ix_legal_bookings_lawyer", "legal_bookings", ["lawyer_id", "starts_at"])
    op.create_index(
        "ux_legal_bookings_slot",
        "legal_bookings",
        ["slot_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'cancelled'"),
    )
    op.create_index(
        "ux_legal_bookings_resident_time",
        "legal_bookings",
        ["resident", "starts_at"],
        unique=True,
        postgresql_where=sa.text("status = 'booked'"),
    )
    op.create_table(
        "legal_mediation_cases",
        sa.Column("work_order_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("work_order_id", name=op.f("pk_legal_mediation_cases")),
    )
    op.create_table(
        "hotline_tickets",
        sa.Column("work_order_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("building_id", sa.String(length=64), nullable=True),
        sa.Column("case_type", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("ticket_number", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.String(length=64), nullable=True),
        sa.Column("due_at", WHEN, nullable=True),
        sa.Column("opened_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("replies", sa.Integer(), nullable=False),
        sa.Column("last_reply_at", WHEN, nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.PrimaryKeyConstraint("work_order_id", name=op.f("pk_hotline_tickets")),
    )
    op.create_index(
        "ix_hotline_tickets_community",
        "hotline_tickets",
        ["community_id", "opened_at", "work_order_id"],
    )
    op.create_table(
        "hotline_steps",
        sa.Column("work_order_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["hotline_tickets.work_order_id"],
            name=op.f("fk_hotline_steps_work_order_id_hotline_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("work_order_id", "seq", name=op.f("pk_hotline_steps")),
    )


def downgrade() -> None:
    op.drop_table("hotline_steps")
    op.drop_index("ix_hotline_tickets_community", table_name="hotline_tickets")
    op.drop_table("hotline_tickets")
    op.drop_table("legal_mediation_cases")
    op.drop_table("legal_bookings")
    op.drop_index("ix_legal_slots_community", table_name="legal_slots")
    op.drop_table("legal_slots")
    op.drop_index("ix_legal_lawyers_community", table_name="legal_lawyers")
    op.drop_table("legal_lawyers")
