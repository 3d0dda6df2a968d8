"""The declarative base of every table here, with the platform's tables (outbox, inbox,
audit) on the same metadata."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, String
from sqlalchemy.orm import DeclarativeBase

from sc_core.db.tables import new_metadata, platform_tables


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


platform_tables(Base.metadata)
Place = String(64)
Index64 = String(64)  # a blind index (hex HMAC-SHA256)
