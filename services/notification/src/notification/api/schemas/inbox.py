"""The in-app inbox's models."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class InboxMessageRead(BaseModel):
    id: int
    title: str
    body: str
    severity: str
    template: str
    request_id: str
    community_id: str | None
    correlation_id: str | None
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    unread: int


class MarkedRead(BaseModel):
    marked: int
