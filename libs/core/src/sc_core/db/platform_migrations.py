"""DDL of the platform tables (outbox and inbox) for a service's Alembic migrations.

A service's first migration calls :func:`create_platform_tables_v1` instead of spelling the
tables out again. The functions are versioned: when the tables change, a ``_v2`` comes
with the change and a new migration calls it, so a migration already written never
changes meaning. The models are in :mod:`sc_core.db.tables`; ``model_drift`` in each
service's tests proves the two agree.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


def create_platform_tables_v1() -> None:
    op.create_table(
        "event_outbox",
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=True),
        sa.Column("headers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_event_outbox"),
        sa.UniqueConstraint("event_id", name="uq_event_outbox_event_id"),
    )
    op.create_index(
        "ix_event_outbox_unsent",
        "event_outbox",
        ["seq"],
        unique=False,
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "event_inbox",
        sa.Column("consumer", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=255), nullable=False),
        sa.Column(
            "processed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_event_inbox"),
    )


def drop_platform_tables_v1() -> None:
    op.drop_table("event_inbox")
    op.drop_index("ix_event_outbox_unsent", table_name="event_outbox")
    op.drop_table("event_outbox")
