"""Tables of the population checks (6.5.2 a) beside ``sightings`` and ``population_flags``
(``db/models.py``): the registered residents from identity's placement events, the day
each registered person was last seen at a gate, the keys (face template, card) devices matched to a
registered person (as blind indexes: never the key itself), and the sweeps claimed per
community and day (once across restarts and replicas)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow


class ResidentRow(Base):
    __tablename__ = "population_residents"
    __table_args__ = (Index("ix_population_residents_community", "community_id", "active"),)
    person_id: Mapped[str] = mapped_column(Account, primary_key=True)
    household_id: Mapped[str] = mapped_column(Place)
    community_id: Mapped[str] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    room_id: Mapped[str | None] = mapped_column(Place)
    grid_id: Mapped[str | None] = mapped_column(Place)
    moved_in_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class SeenRow(Base):
    """The last (Beijing) day a registered person passed a gate, whichever event came
    first: a passage may be read before the placement that registers its person."""

    __tablename__ = "population_seen"
    person_id: Mapped[str] = mapped_column(Account, primary_key=True)
    last_seen_on: Mapped[date] = mapped_column(Date)


class KnownKeyRow(Base):
    """A face template or card a device matched to a registered person: not unregistered."""

    __tablename__ = "population_known_keys"
    key_idx: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[str] = mapped_column(Account)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class SweepRow(Base):
    """One community's check of one (Beijing) day, claimed by the replica that ran it."""

    __tablename__ = "population_sweeps"
    community_id: Mapped[str] = mapped_column(Place, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    flags_opened: Mapped[int] = mapped_column(default=0)
    flags_updated: Mapped[int] = mapped_column(default=0)
    swept_at: Mapped[datetime] = mapped_column(default=utcnow)
