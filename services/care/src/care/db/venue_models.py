"""Tables of the activity venues (活动场所, 6.2.2): a venue with its hours and capacity and
the last word of its devices, and the devices bound to it. On care's one ``metadata``
(``models`` imports this module). Nothing here is personal: a count of people, a door."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from care.db.models import Account, Base, Id, utcnow


class VenueRow(Base):
    """An activity venue (老年活动室, 阅览室): where it is, when it opens, how many it
    holds, and what its devices said last (people inside, the door)."""

    __tablename__ = "care_venues"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Id, index=True)
    name: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(200))
    opens: Mapped[str | None] = mapped_column(String(5))
    closes: Mapped[str | None] = mapped_column(String(5))
    capacity: Mapped[int] = mapped_column(Integer)
    people: Mapped[int | None] = mapped_column(Integer)
    people_at: Mapped[datetime | None]
    door_open: Mapped[bool | None] = mapped_column(Boolean)
    door_at: Mapped[datetime | None]
    updated_by: Mapped[str] = mapped_column(Account)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VenueDeviceRow(Base):
    """A device bound to a venue: an occupancy counter or a door contact. A device serves
    one venue at a time."""

    __tablename__ = "care_venue_devices"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    venue_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(16))
    bound_by: Mapped[str] = mapped_column(Account)
    bound_at: Mapped[datetime] = mapped_column(default=utcnow)
