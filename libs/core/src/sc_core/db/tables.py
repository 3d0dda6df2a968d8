"""Tables every service carries in its own database: the outbox and the inbox.

A service calls :func:`platform_tables` on its own ``MetaData`` so that its Alembic
migrations create them beside its business tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


@dataclass(frozen=True)
class PlatformTables:
    outbox: Table
    inbox: Table


def platform_tables(metadata: MetaData) -> PlatformTables:
    if "event_outbox" in metadata.tables:
        return PlatformTables(metadata.tables["event_outbox"], metadata.tables["event_inbox"])
    outbox = Table(
        "event_outbox",
        metadata,
        Column("seq", BigInteger, Identity(always=True), primary_key=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("topic", String(255), nullable=False),
        Column("key", String(255), nullable=True),
        Column("headers", JSONB, nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("sent_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Index("ix_event_outbox_unsent", "seq", postgresql_where=text("sent_at IS NULL")),
    )
    inbox = Table(
        "event_inbox",
        metadata,
        Column("consumer", String(255), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("topic", String(255), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    return PlatformTables(outbox, inbox)
