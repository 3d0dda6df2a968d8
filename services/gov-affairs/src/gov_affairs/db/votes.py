"""Tables of owners' assembly votes (业主大会表决): the room register as identity publishes
it (each room's exclusive area and its owners, ids only), the votes with the electorate
frozen when they open, and one ballot per voting unit (the primary key refuses a second,
whatever the channel)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place, utcnow

Area = Numeric(12, 2)


class AssemblyRoomRow(Base):
    """A room of the register: its place, name and exclusive area (专有面积), from the
    placement identity's events carry."""

    __tablename__ = "assembly_rooms"
    room_id: Mapped[str] = mapped_column(Place, primary_key=True)
    community_id: Mapped[str] = mapped_column(Place, index=True)
    building_id: Mapped[str] = mapped_column(Place)
    label: Mapped[str] = mapped_column(String(200))  # 1号楼1单元101室
    label_en: Mapped[str] = mapped_column(String(200))
    area_m2: Mapped[Decimal | None] = mapped_column(Area)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssemblyOwnerRow(Base):
    """An owner (业主) of a household's room while their residency lasts (ids only)."""

    __tablename__ = "assembly_owners"
    __table_args__ = (Index("ix_assembly_owners_room", "room_id", "active"),)
    household_id: Mapped[str] = mapped_column(Place, primary_key=True)
    person_id: Mapped[str] = mapped_column(Place, primary_key=True)
    room_id: Mapped[str] = mapped_column(Place)
    community_id: Mapped[str] = mapped_column(Place, index=True)
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class VoteRow(Base):
    __tablename__ = "votes"
    __table_args__ = (Index("ix_votes_community_opens", "community_id", "opens_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    kind: Mapped[str] = mapped_column(String(16))  # assembly
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    matter: Mapped[str] = mapped_column(String(16))  # ordinary | special
    rules: Mapped[dict[str, Any]] = mapped_column(JSONB)  # domain Rules
    # the electorate frozen at opening: [{room_id, label, label_en, area, owners}]
    rooms: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    eligible: Mapped[int] = mapped_column(Integer)
    total_area_m2: Mapped[Decimal] = mapped_column(Area)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class BallotRow(Base):
    """One ballot of a voting unit (one room, one buyer's rooms, or the developer's)."""

    __tablename__ = "vote_ballots"
    __table_args__ = (UniqueConstraint("vote_id", "paper_serial"),)
    vote_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("votes.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[str] = mapped_column(Place, primary_key=True)
    room_id: Mapped[str] = mapped_column(Place)
    choice: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8))  # app | paper
    voter: Mapped[str] = mapped_column(Account)  # the owner's account, or the room (paper)
    entered_by: Mapped[str] = mapped_column(Account)
    paper_serial: Mapped[str | None] = mapped_column(String(40))
    cast_at: Mapped[datetime]


class PollRow(Base):
    """A poll (民意征集投票): single or multiple choice, one vote per eligible person."""

    __tablename__ = "polls"
    __table_args__ = (Index("ix_polls_community_opens", "community_id", "opens_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    question: Mapped[str] = mapped_column(String(300))
    question_en: Mapped[str] = mapped_column(String(300))
    options: Mapped[list[dict[str, str]]] = mapped_column(JSONB)  # [{zh, en}]
    multiple: Mapped[bool] = mapped_column(Boolean)
    max_choices: Mapped[int | None] = mapped_column(Integer)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    head: Mapped[str | None] = mapped_column(String(64))  # the chain's head, at closing
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PollVoterRow(Base):
    """Who has voted in a poll, kept apart from the ballots (which carry no voter)."""

    __tablename__ = "poll_voters"
    poll_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    voter: Mapped[str] = mapped_column(Account, primary_key=True)


class PollBallotRow(Base):
    """One ballot in the poll's hash chain: its receipt and choices, never its voter."""

    __tablename__ = "poll_ballots"
    poll_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt: Mapped[str] = mapped_column(String(32))
    choices: Mapped[list[int]] = mapped_column(JSONB)
    prev: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class TopicRow(Base):
    """A consultation topic (议事协商) opened for residents' comments."""

    __tablename__ = "topics"
    __table_args__ = (Index("ix_topics_community_created", "community_id", "created_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(5000))
    status: Mapped[str] = mapped_column(String(16))  # open | closed
    created_by: Mapped[str] = mapped_column(Account)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicCommentRow(Base):
    __tablename__ = "topic_comments"
    __table_args__ = (Index("ix_topic_comments_topic_at", "topic_id", "at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    topic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(Account)
    author_name: Mapped[str] = mapped_column(String(100))  # masked: 张*
    text: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(16))  # visible | pending | hidden
    moderation_note: Mapped[str | None] = mapped_column(String(500))
    moderated_by: Mapped[str | None] = mapped_column(Account)
    at: Mapped[datetime]


class ActivityRow(Base):
    """A community activity (社区活动, 6.6): the domain's aggregate (sign-ups included) as
    JSON beside the columns lists query; changed under a row lock."""

    __tablename__ = "activities"
    __table_args__ = (Index("ix_activities_community_starts", "community_id", "starts_at"),)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    community_id: Mapped[str] = mapped_column(Place)
    status: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime]
    organiser: Mapped[str] = mapped_column(Account)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB)  # Activity.model_dump(mode="json")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
