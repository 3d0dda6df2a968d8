"""Tables of the exchange with city and district platforms (ADR 0036): the agreements,
the record of every exchange, and the facts the datasets are counted from (ids and codes
only, from identity's, work-orders' and alarm's events)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Index, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow


class ExchangeAgreementRow(Base):
    """What one recipient may receive (agreement as data)."""

    __tablename__ = "exchange_agreements"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    recipient_code: Mapped[str] = mapped_column(String(64), index=True)
    recipient_name: Mapped[str] = mapped_column(String(100))
    recipient_kind: Mapped[str] = mapped_column(String(24))
    kafka_principal: Mapped[str | None] = mapped_column(String(64))
    client_id: Mapped[str | None] = mapped_column(String(64), index=True)
    datasets: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)  # [{dataset, fields}]
    max_grade: Mapped[str] = mapped_column(String(16))
    aggregation: Mapped[str] = mapped_column(String(16))
    frequency: Mapped[str] = mapped_column(String(16))
    communities: Mapped[list[str]] = mapped_column(JSONB)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_by: Mapped[str | None] = mapped_column(Account)


class ExchangeRecordRow(Base):
    """One exchange: what left, to whom, when, and the SHA-256 of its content. A push is
    made once per agreement, dataset and period (``push_key`` unique); a pull is recorded
    each time."""

    __tablename__ = "exchange_records"
    __table_args__ = (Index("ix_exchange_records_created", "created_at", "id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(index=True)
    recipient_code: Mapped[str] = mapped_column(String(64))
    recipient_name: Mapped[str] = mapped_column(String(100))
    dataset: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(8))  # push (Kafka) or pull (HTTPS)
    record_count: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    push_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExchangeResidentRow(Base):
    """A person living in a household (ids, the relation and the sex code only), from
    identity's events."""

    __tablename__ = "exchange_residents"
    __table_args__ = (Index("ix_exchange_residents_household", "household_id", "active"),)
    person_id: Mapped[str] = mapped_column(Place, primary_key=True)
    household_id: Mapped[str] = mapped_column(Place, primary_key=True)
    relation: Mapped[str] = mapped_column(String(16))
    # GB/T 2261.1 (0 unknown, 1 male, 2 female, 9 not stated); null when the events did not say
    sex_code: Mapped[str | None] = mapped_column(String(1))
    community_id: Mapped[str] = mapped_column(Place, index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExchangeCaseRow(Base):
    """A case (work order) as last seen: its community, type, state and the day it opened."""

    __tablename__ = "exchange_cases"
    __table_args__ = (Index("ix_exchange_cases_day", "community_id", "opened_on"),)
    work_order_id: Mapped[str] = mapped_column(Place, primary_key=True)
    community_id: Mapped[str] = mapped_column(Place)
    case_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    opened_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExchangeAlarmRow(Base):
    """An alarm: its community, type, severity and the day it was first raised."""

    __tablename__ = "exchange_alarms"
    __table_args__ = (Index("ix_exchange_alarms_day", "community_id", "raised_on"),)
    alarm_id: Mapped[str] = mapped_column(Place, primary_key=True)
    community_id: Mapped[str] = mapped_column(Place)
    alarm_type: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    raised_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExchangeCommunityRow(Base):
    """A community's GB/T 2260 division code (行政区划代码), as identity's placement events
    last said it; the datasets' rows carry it beside the community's id."""

    __tablename__ = "exchange_communities"
    community_id: Mapped[str] = mapped_column(Place, primary_key=True)
    division_code: Mapped[str] = mapped_column(String(6))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
