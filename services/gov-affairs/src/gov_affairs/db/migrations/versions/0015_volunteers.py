"""volunteers: the register, services, bookings, hours records, the time bank

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

JSON = postgresql.JSONB(astext_type=sa.Text())
WHEN = sa.DateTime(timezone=True)
HOURS = sa.Numeric(8, 1)


def upgrade() -> None:
    op.create_table(
        "volunteers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("id_number", sa.Text(), nullable=False),
        sa.Column("id_number_idx", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("skills", JSON, nullable=False),
        sa.Column("availability", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=16), nullable=True),
        sa.Column("certified_by", sa.String(length=64), nullable=True),
        sa.Column("certified_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("registered_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteers")),
        sa.UniqueConstraint(
            "id_number_idx", "community_id", name=op.f("uq_volunteers_id_number_idx")
        ),
        sa.UniqueConstraint("account_id", "community_id", name=op.f("uq_volunteers_account_id")),
        sa.UniqueConstraint("seq", "community_id", name=op.f("uq_volunteers_seq")),
        sa.UniqueConstraint("number", name=op.f("uq_volunteers_number")),
    )
    op.create_index("ix_volunteers_community_status", "volunteers", ["community_id", "status"])
    op.create_table(
        "volunteer_services",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("slots", JSON, nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_volunteer_services_volunteer_id_volunteers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_services")),
    )
    op.create_index(
        "ix_volunteer_services_community", "volunteer_services", ["community_id", "created_at"]
    )
    op.create_table(
        "volunteer_bookings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("resident", sa.String(length=64), nullable=False),
        sa.Column("starts_at", WHEN, nullable=False),
        sa.Column("ends_at", WHEN, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("booked_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["volunteer_services.id"],
            name=op.f("fk_volunteer_bookings_service_id_volunteer_services"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_bookings")),
    )
    op.create_index(op.f("ix_volunteer_bookings_resident"), "volunteer_bookings", ["resident"])
    op.create_index(
        "ux_volunteer_bookings_slot",
        "volunteer_bookings",
        ["service_id", "starts_at"],
        unique=True,
        postgresql_where=sa.text("status = 'booked'"),
    )
    op.create_table(
        "volunteer_hours",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("service_id", sa.Uuid(), nullable=True),
        sa.Column("record", JSON, nullable=False),
        sa.Column("hours", HOURS, nullable=False),
        sa.Column("started_at", WHEN, nullable=False),
        sa.Column("corrects", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("recorded_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_volunteer_hours_volunteer_id_volunteers"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["volunteer_services.id"],
            name=op.f("fk_volunteer_hours_service_id_volunteer_services"),
        ),
        sa.ForeignKeyConstraint(
            ["corrects"],
            ["volunteer_hours.id"],
            name=op.f("fk_volunteer_hours_corrects_volunteer_hours"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_hours")),
        sa.UniqueConstraint("corrects", name=op.f("uq_volunteer_hours_corrects")),
    )
    op.create_index(
        "ix_volunteer_hours_volunteer", "volunteer_hours", ["volunteer_id", "started_at"]
    )
    op.create_table(
        "volunteer_time_spent",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("volunteer_id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("hours", HOURS, nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("beneficiary", sa.String(length=100), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_volunteer_time_spent_volunteer_id_volunteers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_time_spent")),
    )
    op.create_index(
        op.f("ix_volunteer_time_spent_volunteer_id"), "volunteer_time_spent", ["volunteer_id"]
    )


def downgrade() -> None:
    op.drop_table("volunteer_time_spent")
    op.drop_table("volunteer_hours")
    op.drop_table("volunteer_bookings")
    op.drop_table("volunteer_services")
    op.drop_table("volunteers")
