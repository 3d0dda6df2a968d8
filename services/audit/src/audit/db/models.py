"""The audit store's tables.

``audit_record`` is partitioned by range of ``occurred_at``, one partition per UTC month,
kept in schema ``audit_partitions`` (so that Alembic's comparison, which looks at the
default schema, sees the partitioned table and not each month). The migration adds what
models cannot say: the partitioning functions, the append-only trigger and the revoked
privileges (see ``db/migrations/versions/0001_audit_store.py``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ARRAY, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sc_core.db.tables import new_metadata, platform_tables

metadata = new_metadata()
tables = platform_tables(metadata)


class Base(DeclarativeBase):
    metadata = metadata


class AuditRecord(Base):
    """One audit record as received, with its place in its day's hash chain."""

    __tablename__ = "audit_record"
    __table_args__ = (
        Index("ix_audit_record_occurred_at", "occurred_at"),
        Index("ix_audit_record_chain", "chain_day", "chain_pos"),
        Index("ix_audit_record_actor", "actor_id", "occurred_at"),
        Index("ix_audit_record_action", "action", "occurred_at"),
        Index("ix_audit_record_resource", "resource_type", "resource_id"),
        Index("ix_audit_record_community", "community_id", "occurred_at"),
        {"postgresql_partition_by": "RANGE (occurred_at)"},
    )

    # The key includes the partition column, as PostgreSQL requires; a record id comes
    # with one occurred_at, so a redelivered record is found by this key (the store
    # looks for the batch's ids under the day's chain-head lock before appending).
    record_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Text, not bounded strings: a record that matches the contract is never refused.
    service: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(Text)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_roles: Mapped[list[str]] = mapped_column(ARRAY(Text))
    action: Mapped[str] = mapped_column(Text)
    resource_type: Mapped[str] = mapped_column(Text)
    resource_id: Mapped[str | None] = mapped_column(Text)
    community_id: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    source_ip: Mapped[str | None] = mapped_column(Text)
    trace_id: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, str]] = mapped_column(JSONB)
    chain_day: Mapped[date] = mapped_column(Date)
    chain_pos: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChainHead(Base):
    """The end of one day's chain; its row is locked while a record is appended."""

    __tablename__ = "audit_chain_head"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    length: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


RECORD_FIELDS = tuple(c.name for c in AuditRecord.__table__.columns)
