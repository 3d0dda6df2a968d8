"""Payment orders, refunds, callbacks as received, idempotency keys, reconciliations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from parking_payment.db.base import Base, Place, utcnow


class PaymentOrderRow(Base):
    __tablename__ = "payment_orders"
    __table_args__ = (
        # the closer and recovery: open orders by expiry
        Index(
            "ix_payment_orders_open",
            "expires_at",
            postgresql_where=text("status IN ('created', 'pending')"),
        ),
        Index("ix_payment_orders_target", "purpose", "target_id"),
        Index("ix_payment_orders_community_created", "community_id", "created_at"),
        Index("ix_payment_orders_payer_created", "payer_account", "created_at"),
        Index("ix_payment_orders_paid_at", "provider", "paid_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    out_trade_no: Mapped[str] = mapped_column(String(32), unique=True)
    provider: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)  # fen
    description: Mapped[str] = mapped_column(String(127))
    purpose: Mapped[str] = mapped_column(String(24))
    target_id: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[str | None] = mapped_column(Place)
    household_id: Mapped[str | None] = mapped_column(Place)
    payer_account: Mapped[str | None] = mapped_column(String(64))
    merchant_id: Mapped[str] = mapped_column(String(32))
    app_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    trade_no: Mapped[str | None] = mapped_column(String(64))
    paid_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    flags: Mapped[list[str]] = mapped_column(JSONB, default=list)
    prepay: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)  # code_url, paySign...
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RefundRow(Base):
    __tablename__ = "payment_refunds"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payment_orders.id"), index=True)
    out_refund_no: Mapped[str] = mapped_column(String(32), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(80))
    requested_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    provider_refund_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded_at: Mapped[datetime | None]


class CallbackRow(Base):
    """Every callback received, believed or not (audit and the once-only rule)."""

    __tablename__ = "payment_callbacks"
    __table_args__ = (
        Index(
            "uq_payment_callbacks_notification",
            "provider",
            "notification_id",
            unique=True,
            postgresql_where=text("notification_id IS NOT NULL"),
        ),
        Index("ix_payment_callbacks_received", "received_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(16))
    notification_id: Mapped[str | None] = mapped_column(String(64))  # only when verified
    out_trade_no: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # applied, unchanged, rejected, refused
    reason: Mapped[str] = mapped_column(String(48))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyRow(Base):
    __tablename__ = "idempotency_keys"
    owner: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class ReconciliationRow(Base):
    __tablename__ = "reconciliations"
    __table_args__ = (UniqueConstraint("provider", "merchant_id", "day"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    provider: Mapped[str] = mapped_column(String(16))
    merchant_id: Mapped[str] = mapped_column(String(32))
    day: Mapped[date]
    matched: Mapped[int] = mapped_column(Integer)
    balanced: Mapped[bool]
    local_total: Mapped[dict[str, int]] = mapped_column(JSONB)
    provider_total: Mapped[dict[str, int]] = mapped_column(JSONB)
    differences: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
