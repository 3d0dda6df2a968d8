"""Rules, their versions and evaluation state; alarms, their history and comments;
notification plans and the duty roster. Registers and emergency management tables live
in :mod:`alarm.db.registers` and :mod:`alarm.db.emergency` on the same metadata."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Identity, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from alarm.db import emergency as _emergency  # noqa: F401  (tables on the same metadata)
from alarm.db import registers as _registers  # noqa: F401
from alarm.db.base import Base, IdMixin, utcnow
from sc_core.places import Places, place_tables

metadata = Base.metadata


class AlarmRule(IdMixin, Base):
    """A rule as data. ``community_id`` null: a platform default (platform_admin only)."""

    __tablename__ = "alarm_rules"
    # the rules' list, oldest first (ADR 0061): 130 ms at 100,000 rules without it
    __table_args__ = (
        Index(
            "ix_alarm_rules_listed",
            "created_at",
            "id",
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # the evaluator's reload checks the newest stamp every tick (ADR 0066)
        Index("ix_alarm_rules_updated", "updated_at"),
    )

    community_id: Mapped[str | None] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    alarm_type: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    device_type: Mapped[str | None] = mapped_column(String(64))
    device_id: Mapped[str | None] = mapped_column(String(64))
    building_id: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[str | None] = mapped_column(String(64))
    room_id: Mapped[str | None] = mapped_column(String(64))
    spec: Mapped[dict[str, Any]]
    schedule: Mapped[dict[str, Any] | None]
    actions: Mapped[list[str]]
    work_order_type: Mapped[str | None] = mapped_column(String(64))
    auto_clear: Mapped[bool]
    enabled: Mapped[bool]
    version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(64))
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]


class AlarmRuleVersion(Base):
    """Every version a rule had: the snapshot of its fields, who changed it, when."""

    __tablename__ = "alarm_rule_versions"

    rule_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot: Mapped[dict[str, Any]]
    changed_by: Mapped[str | None] = mapped_column(String(64))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class RuleState(Base):
    """Evaluation state of one rule for one originator (duration start, repeat hits,
    last value, last seen); ``due_at`` is when a timer fires without a new reading."""

    __tablename__ = "rule_states"
    __table_args__ = (
        Index("ix_rule_states_due", "due_at", postgresql_where=text("due_at IS NOT NULL")),
    )

    rule_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    originator_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict[str, Any]]
    due_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Alarm(IdMixin, Base):
    """One alarm (ThingsBoard model). At most one active per originator and type: the
    partial unique index ``uq_alarms_active_cause`` (rows with ``cleared_at`` null)."""

    __tablename__ = "alarms"
    __table_args__ = (
        Index(
            "uq_alarms_active_cause",
            "originator_type",
            "originator_id",
            "alarm_type",
            unique=True,
            postgresql_where=text("cleared_at IS NULL"),
        ),
        Index("ix_alarms_community_first", "community_id", "first_at"),
        Index(
            "ix_alarms_escalation",
            "next_escalation_at",
            postgresql_where=text("next_escalation_at IS NOT NULL"),
        ),
    )

    alarm_type: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    originator_type: Mapped[str] = mapped_column(String(32))
    originator_id: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[str] = mapped_column(String(64))
    building_id: Mapped[str | None] = mapped_column(String(64))
    unit_id: Mapped[str | None] = mapped_column(String(64))
    room_id: Mapped[str | None] = mapped_column(String(64))
    household_id: Mapped[str | None] = mapped_column(String(64), index=True)
    device_type: Mapped[str | None] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    cleared_at: Mapped[datetime | None]
    cleared_by: Mapped[str | None] = mapped_column(String(64))
    rule_id: Mapped[uuid.UUID | None]
    rule_version: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]]
    actions: Mapped[list[str]]
    work_order_type: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(64))
    severity_bumped: Mapped[bool] = mapped_column(server_default=text("false"))
    plan_id: Mapped[uuid.UUID | None]
    special_person_id: Mapped[uuid.UUID | None]
    escalation_stage: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_escalation_at: Mapped[datetime | None]
    # whom its plan told (a special person's family, the plan's people): they may read
    # it and its timeline, are told of its steps, and acknowledge it when the plan says
    notified_user_ids: Mapped[list[str]] = mapped_column(server_default=text("'[]'::jsonb"))
    notified_household_ids: Mapped[list[str]] = mapped_column(server_default=text("'[]'::jsonb"))
    notified_may_ack: Mapped[bool] = mapped_column(server_default=text("false"))


class AlarmHistory(Base):
    """Every step of an alarm: raised, repeated severity, acknowledged, assigned,
    commented, escalated, cleared (append-only)."""

    __tablename__ = "alarm_history"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    alarm_id: Mapped[uuid.UUID] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]]


class AlarmComment(IdMixin, Base):
    __tablename__ = "alarm_comments"

    alarm_id: Mapped[uuid.UUID] = mapped_column(index=True)
    author_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class NotificationPlan(IdMixin, Base):
    """Who is told about which alarms: by alarm type (empty: any), minimum severity,
    building (null: the whole community); stage 0 at once, later stages after their
    delay while nobody has acknowledged."""

    __tablename__ = "notification_plans"
    # the plans' list oldest first, everyone's and a community's (ADR 0061)
    __table_args__ = (
        Index("ix_notification_plans_listed", "created_at", "id"),
        Index("ix_notification_plans_community_listed", "community_id", "created_at", "id"),
    )

    community_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    alarm_types: Mapped[list[str]]
    min_severity: Mapped[str] = mapped_column(String(16))
    building_id: Mapped[str | None] = mapped_column(String(64))
    stages: Mapped[list[dict[str, Any]]]
    channels: Mapped[list[str]]
    enabled: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DutyShift(IdMixin, Base):
    """One entry of the 24-hour duty roster (值班表): who is on duty, as what, when."""

    __tablename__ = "duty_roster"
    __table_args__ = (
        Index("ix_duty_roster_when", "community_id", "starts_at", "ends_at"),
        Index("ix_duty_roster_listed", "starts_at", "id"),  # the platform-wide list (ADR 0061)
    )

    community_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(String(200))


# Households' places and buildings' grids (网格) from identity.events.v1: the shared place
# directory (sc_core.places; the same tables alarm kept itself, so no migration). An
# emergency in a flat reaches the household living there; a grid worker acts on the places
# of the buildings in their grid. The grants (who holds which role where) say who serves
# a place: an alarm is assigned only to them (issue 30). The names: alarms name their
# places in texts (幸福里社区 3号楼2单元502室, issue 18).
PLACES = place_tables(metadata, grants=True, names=True)
DIRECTORY = Places(PLACES)
