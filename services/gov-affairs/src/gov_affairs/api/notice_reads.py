"""The caller's own read receipts of notices (公告已读状态): which of the notices they name
they have read, and when. Reading a notice (``GET /api/v1/notices/{id}``) leaves the
receipt; this only reports the caller's own."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from gov_affairs.api.deps import NoticesDep
from gov_affairs.usecases.notice_reads import my_reads
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/notice-reads", tags=["notices"])


class NoticeReadMark(BaseModel):
    notice_id: uuid.UUID
    read_at: datetime


class NoticeReadMarks(BaseModel):
    items: list[NoticeReadMark]


@router.get("", summary="Which of these notices I have read (my own read receipts)")
async def notice_reads(
    who: CurrentCaller,
    notices: NoticesDep,
    notice_id: Annotated[
        list[uuid.UUID],
        Query(min_length=1, max_length=100, description="the notices asked about (a board page)"),
    ],
) -> NoticeReadMarks:
    """The notices of ``notice_id`` the caller has opened, with when they first did; a
    notice not listed is unread (or not the caller's to read)."""
    found = await my_reads(notices.db, who, notice_id)
    return NoticeReadMarks(items=[NoticeReadMark(notice_id=n, read_at=at) for n, at in found])
