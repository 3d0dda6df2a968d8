"""Charge points (OCPP), their connectors and transactions; e-bike chargers and charges."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from parking_payment.db.base import Base, Place, utcnow


class ChargePointRow(Base):
    __tablename__ = "charge_points"
    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # the OCPP identity
    community_id: Mapped[str] = mapped_column(Place, index=True)
    name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str | None] = mapped_column(String(128))  # Basic auth (profile 1)
    energy_price: Mapped[int] = mapped_column(Integer)  # fen per kWh
    service_fee: Mapped[int] = mapped_column(Integer)  # fen per kWh
    vendor: Mapped[str | None] = mapped_column(String(50))
    model: Mapped[str | None] = mapped_column(String(50))
    ocpp_version: Mapped[str | None] = mapped_column(String(12))
    last_seen_at: Mapped[datetime | None]


class ConnectorRow(Base):
    __tablename__ = "charge_connectors"
    charge_point_id: Mapped[str] = mapped_column(ForeignKey("charge_points.id"), primary_key=True)
    connector: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(24))
    error_code: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChargingTransactionRow(Base):
    __tablename__ = "charging_transactions"
    __table_args__ = (
        Index(
            "ix_charging_transactions_active",
            "charge_point_id",
            "connector",
            postgresql_where=text("status = 'charging'"),
        ),
        Index("ix_charging_transactions_account", "account", "started_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    charge_point_id: Mapped[str] = mapped_column(ForeignKey("charge_points.id"))
    connector: Mapped[int] = mapped_column(Integer)
    id_tag: Mapped[str] = mapped_column(String(36))
    account: Mapped[str | None] = mapped_column(String(64))
    community_id: Mapped[str] = mapped_column(Place)
    meter_start: Mapped[int] = mapped_column(BigInteger)
    meter_last: Mapped[int | None] = mapped_column(BigInteger)
    meter_stop: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int | None] = mapped_column(BigInteger)  # fen, at the end
    order_id: Mapped[uuid.UUID | None]


class EbikeChargeRow(Base):
    __tablename__ = "ebike_charges"
    __table_args__ = (Index("ix_ebike_charges_device_started", "device_id", "started_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    device_id: Mapped[str] = mapped_column(String(64))  # device-ingestion's id
    community_id: Mapped[str] = mapped_column(Place)
    method: Mapped[str] = mapped_column(String(8))
    account: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    last_at: Mapped[datetime]
    max_power_w: Mapped[int] = mapped_column(Integer, default=0)
    charging: Mapped[bool]
    alarms: Mapped[str] = mapped_column(String(80), default="")
    amount: Mapped[int | None] = mapped_column(BigInteger)
    order_id: Mapped[uuid.UUID | None]


class ChargeTagRow(Base):
    """An OCPP id tag (RFID card, or one the app makes for a remote start) and its owner."""

    __tablename__ = "charge_tags"
    id_tag: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[str] = mapped_column(String(64), index=True)
    community_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str | None] = mapped_column(Place)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
