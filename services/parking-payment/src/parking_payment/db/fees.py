"""Fee items and monthly bills (物业收费)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, Integer, Numeric, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from parking_payment.db.base import Base, Place, utcnow


class FeeItemRow(Base):
    __tablename__ = "fee_items"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place, index=True)
    name: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(14, 4), default=Decimal(0))
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    meter: Mapped[str | None] = mapped_column(String(16))
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class BillRow(Base):
    __tablename__ = "bills"
    __table_args__ = (
        UniqueConstraint("room_id", "period"),
        Index("ix_bills_community_period_status", "community_id", "period", "status"),
        Index("ix_bills_household", "household_id", "period"),
        Index("ix_bills_due_unpaid", "status", "due"),
        # the platform-wide list in its own order (migration 0006)
        Index("ix_bills_listed", text("period DESC"), "room_label", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    unit_id: Mapped[str | None] = mapped_column(Place)
    room_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str | None] = mapped_column(Place)
    room_label: Mapped[str] = mapped_column(String(120))
    area_m2: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    period: Mapped[str] = mapped_column(String(7))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    total: Mapped[int] = mapped_column(BigInteger)
    due: Mapped[date]
    status: Mapped[str] = mapped_column(String(16))
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_at: Mapped[datetime | None]
    payment_ref: Mapped[str | None] = mapped_column(String(64))
    receipt_no: Mapped[str | None] = mapped_column(String(24), unique=True)
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReceiptCounterRow(Base):
    """Receipt numbers per day, issued in order (SJ20261203-000001)."""

    __tablename__ = "receipt_counters"
    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class FeeRoomRow(Base):
    """A room as the property bills it: its billable area (计费面积), entered by the
    property; who lives there comes from identity's register (the place directory)."""

    __tablename__ = "fee_rooms"
    room_id: Mapped[str] = mapped_column(Place, primary_key=True)
    community_id: Mapped[str] = mapped_column(Place, index=True)
    building_id: Mapped[str | None] = mapped_column(Place)
    unit_id: Mapped[str | None] = mapped_column(Place)
    household_id: Mapped[str | None] = mapped_column(Place)
    label: Mapped[str] = mapped_column(String(120))  # 幸福里社区 1号楼 1单元 101室
    area_m2: Mapped[Decimal] = mapped_column(Numeric(10, 2))


class MeterMonthRow(Base):
    """A room's meter in a month: the first and last cumulative reading seen (from
    device-ingestion's telemetry), so the month's use is last − first, late data included."""

    __tablename__ = "meter_months"
    room_id: Mapped[str] = mapped_column(Place, primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    first_at: Mapped[datetime]
    first_value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
    last_at: Mapped[datetime]
    last_value: Mapped[Decimal] = mapped_column(Numeric(18, 4))
