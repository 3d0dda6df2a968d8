"""Tables of the elderly services (6.2.2): mutual aid (邻里互助) requests and value-added
services (增值服务) offered and booked. On care's one ``metadata`` (``models`` imports this
module). The elder's note, contact phone and thanks are encrypted; what scope checks and
ordering need (ids, kinds, times, statuses) stays clear."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from care.db.models import Account, Base, Id, utcnow
from sc_core.privacy import EncryptedString


class HelpRequestRow(Base):
    """An elder's request for a neighbour's help: open → taken → done (confirmed by the
    elder, rated), or cancelled, or expired. One taker: taking is a conditional update
    (``status = 'open'``) and the check below keeps a taken request with its taker."""

    __tablename__ = "care_help_requests"
    __table_args__ = (
        Index("ix_care_help_requests_board", "community_id", "status", "wanted_at", "id"),
        CheckConstraint(
            "status NOT IN ('taken', 'done') OR taker IS NOT NULL", name="taken_has_taker"
        ),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Id)
    building_id: Mapped[str | None] = mapped_column(Id)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    requested_by: Mapped[str] = mapped_column(Account, index=True)
    kind: Mapped[str] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(EncryptedString(context="care_help.note"))
    phone: Mapped[str | None] = mapped_column(EncryptedString(context="care_help.phone"))
    wanted_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    taker: Mapped[str | None] = mapped_column(Account, index=True)
    taker_name: Mapped[str | None] = mapped_column(EncryptedString(context="care_help.taker"))
    taken_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    thanks: Mapped[str | None] = mapped_column(EncryptedString(context="care_help.thanks"))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServiceOfferRow(Base):
    """A value-added service a provider offers in a community (post-operative care,
    legal advice, psychological support...), published by staff; the price is recorded
    for the elder to read, never charged here."""

    __tablename__ = "care_service_offers"
    __table_args__ = (
        Index("ix_care_service_offers_list", "community_id", "created_at", "id"),
        CheckConstraint("price_fen >= 0", name="price_not_negative"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(24))
    provider: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(500))
    price_fen: Mapped[int] = mapped_column(Integer)
    price_unit: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServiceOrderRow(Base):
    """A booking of an offer for a person: booked → confirmed → done → rated (once), or
    cancelled before it is done. The price is the offer's when booked."""

    __tablename__ = "care_service_orders"
    __table_args__ = (
        Index("ix_care_service_orders_community", "community_id", "created_at", "id"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        CheckConstraint("status <> 'rated' OR rating IS NOT NULL", name="rated_has_rating"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    offer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    community_id: Mapped[str] = mapped_column(Id)
    person_id: Mapped[str] = mapped_column(Id, index=True)
    booked_by: Mapped[str] = mapped_column(Account, index=True)
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(EncryptedString(context="care_order.note"))
    price_fen: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    handled_by: Mapped[str | None] = mapped_column(Account)
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(EncryptedString(context="care_order.comment"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = ["HelpRequestRow", "ServiceOfferRow", "ServiceOrderRow"]
