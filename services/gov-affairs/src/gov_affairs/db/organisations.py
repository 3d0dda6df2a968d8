"""Tables of social organisations and enterprises (6.5.1 c-d): the register (one row per
unified social credit code in a community), their meetings and activities with the
community, and residents' complaints about them, each handled as a work order in the
work-orders service (linked by the complaint's id as the case's external reference)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow
from sc_core.privacy import EncryptedString


class OrganisationRow(Base):
    """A social organisation (社会组织) or enterprise (企业) registered in a community."""

    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("community_id", "uscc", name="uq_organisations_community_uscc"),
        Index("ix_organisations_community_name", "community_id", "org_name"),
        Index("ix_organisations_community_industry", "community_id", "industry_code"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    # an organisation's public name (the column is not named like a person's name)
    name: Mapped[str] = mapped_column("org_name", String(120))
    kind: Mapped[str] = mapped_column(String(24))
    uscc: Mapped[str] = mapped_column(String(18))
    address: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(1000))  # 业务范围 / 经营范围
    # GB/T 4754-2017 division (大类, two digits; sc_core.industry), when known
    industry_code: Mapped[str | None] = mapped_column(String(2))
    tags: Mapped[list[str]] = mapped_column(JSONB, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    # its contact person (联系人): personal data, encrypted, masked unless revealed
    contact_name: Mapped[str | None] = mapped_column(
        EncryptedString(context="organisation.contact_name")
    )
    contact_phone: Mapped[str | None] = mapped_column(
        EncryptedString(context="organisation.contact_phone")
    )
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(Account)
    updated_at: Mapped[datetime | None]


class OrganisationMeetingRow(Base):
    """A meeting (议事, 协商) or an activity an organisation held with the community."""

    __tablename__ = "organisation_meetings"
    __table_args__ = (Index("ix_organisation_meetings_org_held", "organisation_id", "held_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))  # meeting | activity
    held_at: Mapped[datetime]
    topic: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[str] = mapped_column(String(5000))
    recorded_by: Mapped[str] = mapped_column(Account)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrganisationComplaintRow(Base):
    """A resident's complaint about an organisation; its case is a work order, whose state
    this row mirrors from the work-orders service's events."""

    __tablename__ = "organisation_complaints"
    __table_args__ = (Index("ix_organisation_complaints_org_at", "organisation_id", "filed_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    community_id: Mapped[str] = mapped_column(Place)
    household_id: Mapped[str] = mapped_column(Place)
    filed_by: Mapped[str] = mapped_column(Account)
    summary: Mapped[str] = mapped_column(String(500))
    work_order_id: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))  # submitted, then the case's status
    # the latest reply staff wrote on the case, to the resident (from the case's events)
    reply_text: Mapped[str | None] = mapped_column(String(4000))
    replied_at: Mapped[datetime | None]
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
