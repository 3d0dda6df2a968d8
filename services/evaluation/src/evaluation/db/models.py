"""Every table of evaluation's database, on one ``metadata`` (Alembic's target).

KPIs: ``kpi_facts`` (one row per event id: a redelivered event changes nothing),
``kpi_aggregates`` (each work order's, alarm's and delivery's current contributions) and
``kpi_buckets`` (KPI × place × service × period sums, moved by the difference whenever an
aggregate's contributions change). The place directory (``sc_core.places``: household ->
community, building, grid, with the places' names; building -> grid) from identity's
events. Surveys, responses and published index figures.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Double,
    Identity,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, query_expression

from sc_core.db.tables import new_metadata, platform_tables
from sc_core.places import Places, place_tables


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = new_metadata()
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime(timezone=True)}


platform_tables(Base.metadata)
metadata = Base.metadata
Place = String(64)
# the place directory: where households live (a resident's answer counts for their
# community, building and grid, whatever the app sends), the grids of buildings, the
# places' names (the report names its community as people say it), and who holds which
# role over which household (a survey's audience: reminders and response rates)
PLACES = place_tables(metadata, names=True, grants=True)
DIRECTORY = Places(PLACES)


class KpiFact(Base):
    """One event's fact (``domain.kpis.facts``), stored once per CloudEvents id."""

    __tablename__ = "kpi_facts"
    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    aggregate: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    community_id: Mapped[str] = mapped_column(Place)
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class KpiAggregate(Base):
    """An aggregate's contributions as last derived (what the buckets hold for it)."""

    __tablename__ = "kpi_aggregates"
    aggregate: Mapped[str] = mapped_column(String(128), primary_key=True)
    contributions: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class KpiBucket(Base):
    """Sums of one KPI at one place (community, building or grid), for one service or all
    (``service`` empty), in one period (``period`` key: 2026-11-03, 2026-11, 2026-Q4, 2026)."""

    __tablename__ = "kpi_buckets"
    __table_args__ = (
        Index("ix_kpi_buckets_community_period", "community_id", "period", "kpi"),
        # every KPI of one place and period (kpi_queries.values): not a scan (ADR 0061)
        Index("ix_kpi_buckets_place", "scope", "scope_id", "service", "period"),
    )
    kpi: Mapped[str] = mapped_column(String(32), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    scope_id: Mapped[str] = mapped_column(Place, primary_key=True)
    # a case type (64) or a notification template code (100, the contract's limit)
    service: Mapped[str] = mapped_column(String(100), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    community_id: Mapped[str] = mapped_column(Place)
    num: Mapped[float] = mapped_column(Double, default=0.0)
    den: Mapped[float] = mapped_column(Double, default=0.0)
    n: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyRow(Base):
    """A survey: its definition (``domain.surveys.Survey`` as JSON) and where it runs."""

    __tablename__ = "surveys"
    __table_args__ = (
        # the list's own order, newest first in each community (ADR 0073)
        Index("ix_surveys_listed", "community_id", text("created_at DESC"), "id"),
        # the sender's "open surveys, oldest first" (ADR 0061)
        Index("ix_surveys_status_created", "status", "created_at", "id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    questionnaire: Mapped[str | None] = mapped_column(String(32))  # gain, security, happiness
    definition: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, closed
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the definition without its sections (the questions, ~90 % of it), which is all a
    # list shows: loaded by the list alone (``with_expression``), None otherwise
    head: Mapped[dict[str, Any] | None] = query_expression()


class ResponseRow(Base):
    """One answer to a survey. ``respondent_key`` is ``person:<id>`` / ``household:<id>``,
    or its blind index for an anonymous survey: one answer per key, and an anonymous
    response names nobody."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("survey_id", "respondent_key"),
        Index("ix_survey_responses_community_submitted", "community_id", "submitted_at", "id"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    survey_id: Mapped[uuid.UUID] = mapped_column(index=True)
    respondent_key: Mapped[str] = mapped_column(String(128))
    community_id: Mapped[str] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    household_id: Mapped[str | None] = mapped_column(Place)
    answers: Mapped[dict[str, Any]] = mapped_column(JSONB)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class IndexFigureRow(Base):
    """A published index figure with the method version and every leaf (traceable)."""

    __tablename__ = "index_figures"
    __table_args__ = (
        UniqueConstraint("community_id", "period", "index", "method_version"),
        # the published list's order (newest month first, then id): read, not sorted (ADR 0066)
        Index("ix_index_figures_listed", "community_id", text("period DESC"), "id"),
    )
    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    community_id: Mapped[str] = mapped_column(Place)
    period: Mapped[str] = mapped_column(String(10))
    index: Mapped[str] = mapped_column(String(16))
    method_version: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Double)
    coverage: Mapped[float] = mapped_column(Double)
    inputs_digest: Mapped[str] = mapped_column(String(64))
    leaves: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyReminderRow(Base):
    """A reminder round of a survey (days before it closes) that was sent: each round at
    most once, and rounds missed together go out as one reminder."""

    __tablename__ = "survey_reminders"
    survey_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    round_days: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipients: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class MonthEndRun(Base):
    """A community's month whose indices the month-end sweep computed: one row per
    community and month, inserted in the unit of work that stores the figures, so the
    sweep does each month once across restarts and replicas."""

    __tablename__ = "month_end_runs"
    community_id: Mapped[str] = mapped_column(Place, primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
