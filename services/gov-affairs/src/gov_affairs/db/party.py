"""Tables of party affairs (党务, 6.5.2 b): party organisations (a branch under its
committee), their members (sensitive: every personal field encrypted at rest), meetings of
三会一课 with who came and who was excused, and residents' opinions with the officers'
answers."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow
from sc_core.privacy import EncryptedString


class PartyOrgRow(Base):
    """A party organisation (党组织): a committee, a general branch or a branch."""

    __tablename__ = "party_orgs"
    __table_args__ = (Index("ix_party_orgs_community", "community_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    title: Mapped[str] = mapped_column(String(120))  # e.g. 幸福里社区第一党支部
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party_orgs.id"))
    officers: Mapped[list[str]] = mapped_column(JSONB, default=list)  # accounts
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartyMemberRow(Base):
    """A party member: name, ID number, phone and joining date, each encrypted."""

    __tablename__ = "party_members"
    __table_args__ = (Index("ix_party_members_org", "org_id"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_orgs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(EncryptedString(context="party_member.name"))
    id_number: Mapped[str] = mapped_column(EncryptedString(context="party_member.id_number"))
    phone: Mapped[str] = mapped_column(EncryptedString(context="party_member.phone"))
    joined: Mapped[str] = mapped_column(EncryptedString(context="party_member.joined"))
    added_by: Mapped[str] = mapped_column(Account)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartyMeetingRow(Base):
    """A meeting of 三会一课 with the members then in the organisation, who came and who
    was excused (member ids; the names stay in the encrypted register)."""

    __tablename__ = "party_meetings"
    __table_args__ = (Index("ix_party_meetings_org_held", "org_id", "held_on"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_orgs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    held_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(200))
    members: Mapped[list[str]] = mapped_column(JSONB)
    attended: Mapped[list[str]] = mapped_column(JSONB)
    excused: Mapped[dict[str, Any]] = mapped_column(JSONB)  # member id -> reason
    recorded_by: Mapped[str] = mapped_column(Account)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartyFeedbackRow(Base):
    """A resident's opinion to a party organisation, and its officers' answer."""

    __tablename__ = "party_feedback"
    __table_args__ = (Index("ix_party_feedback_org_at", "org_id", "at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party_orgs.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(Account)
    text: Mapped[str] = mapped_column(String(2000))
    answer: Mapped[str | None] = mapped_column(String(2000))
    answered_by: Mapped[str | None] = mapped_column(Account)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
