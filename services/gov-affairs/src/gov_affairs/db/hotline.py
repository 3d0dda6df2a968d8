"""Tables of the hotline view (issue 24 item 7): 12345 hotline tickets as work-orders'
events tell them (``WorkOrderChangedV1``), one row per ticket and one per step, a reply's text
with it. Built only from the events: the events carry no resident's name or phone, so neither
is kept here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gov_affairs.db.models import Account, Base, Place


class HotlineTicketRow(Base):
    __tablename__ = "hotline_tickets"
    __table_args__ = (
        Index("ix_hotline_tickets_community", "community_id", "opened_at", "work_order_id"),
    )
    work_order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    community_id: Mapped[str] = mapped_column(Place)
    building_id: Mapped[str | None] = mapped_column(Place)
    case_type: Mapped[str] = mapped_column(String(32))  # the category: hotline_ticket, repair ...
    source: Mapped[str] = mapped_column(String(16))  # hotline | open311 | ...
    ticket_number: Mapped[str | None] = mapped_column(String(64))  # the 12345 ticket number
    status: Mapped[str] = mapped_column(String(24))
    priority: Mapped[str] = mapped_column(String(16))
    assignee_id: Mapped[str | None] = mapped_column(Account)
    due_at: Mapped[datetime | None]
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]  # the last step's time
    replies: Mapped[int] = mapped_column(Integer, default=0)
    last_reply_at: Mapped[datetime | None]
    last_reply_text: Mapped[str | None] = mapped_column(String(4000))
    closed_at: Mapped[datetime | None]


class HotlineStepRow(Base):
    """One step of a ticket (created, accepted, reply, resolved ...) with its time."""

    __tablename__ = "hotline_steps"
    work_order_id: Mapped[str] = mapped_column(
        ForeignKey("hotline_tickets.work_order_id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[str | None] = mapped_column(Account)
    reply_text: Mapped[str | None] = mapped_column(String(4000))  # a reply step's text
    occurred_at: Mapped[datetime]
