"""exchange with city and district platforms: agreements, records, facts (ADR 0036)

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

JSON = postgresql.JSONB(astext_type=sa.Text())
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "exchange_agreements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("recipient_code", sa.String(length=64), nullable=False),
        sa.Column("recipient_name", sa.String(length=100), nullable=False),
        sa.Column("recipient_kind", sa.String(length=24), nullable=False),
        sa.Column("kafka_principal", sa.String(length=64), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("datasets", JSON, nullable=False),
        sa.Column("max_grade", sa.String(length=16), nullable=False),
        sa.Column("aggregation", sa.String(length=16), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("communities", JSON, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("ended_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_agreements")),
    )
    op.create_index(
        "ix_exchange_agreements_recipient_code", "exchange_agreements", ["recipient_code"]
    )
    op.create_index("ix_exchange_agreements_client_id", "exchange_agreements", ["client_id"])
    op.create_table(
        "exchange_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_code", sa.String(length=64), nullable=False),
        sa.Column("recipient_name", sa.String(length=100), nullable=False),
        sa.Column("dataset", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("content", JSON, nullable=False),
        sa.Column("push_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_records")),
        sa.UniqueConstraint("push_key", name=op.f("uq_exchange_records_push_key")),
    )
    op.create_index("ix_exchange_records_agreement_id", "exchange_records", ["agreement_id"])
    op.create_index("ix_exchange_records_created", "exchange_records", ["created_at", "id"])
    op.create_table(
        "exchange_residents",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("relation", sa.String(length=16), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "household_id", name=op.f("pk_exchange_residents")),
    )
    op.create_index(
        "ix_exchange_residents_household", "exchange_residents", ["household_id", "active"]
    )
    op.create_index("ix_exchange_residents_community_id", "exchange_residents", ["community_id"])
    op.create_table(
        "exchange_cases",
        sa.Column("work_order_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("case_type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("work_order_id", name=op.f("pk_exchange_cases")),
    )
    op.create_index("ix_exchange_cases_day", "exchange_cases", ["community_id", "opened_on"])
    op.create_table(
        "exchange_alarms",
        sa.Column("alarm_id", sa.String(length=64), nullable=False),
        sa.Column("community_id", sa.String(length=64), nullable=False),
        sa.Column("alarm_type", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("alarm_id", name=op.f("pk_exchange_alarms")),
    )
    op.create_index("ix_exchange_alarms_day", "exchange_alarms", ["community_id", "raised_on"])


def downgrade() -> None:
    for table in (
        "exchange_alarms",
        "exchange_cases",
        "exchange_residents",
        "exchange_records",
        "exchange_agreements",
    ):
        op.drop_table(table)
