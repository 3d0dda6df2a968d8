"""Which notices the caller has read (their own read receipts), for the residents' app's
"read" marks and unread count: a caller learns only their own receipts, of the notices
they name."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from gov_affairs.db.models import NoticeReadRow
from sc_core.auth import Caller
from sc_core.db.engine import Database


async def my_reads(
    db: Database, who: Caller, notice_ids: list[uuid.UUID]
) -> list[tuple[uuid.UUID, datetime]]:
    """(notice, when the caller first read it) of those of ``notice_ids`` the caller has
    read; the others are simply not there (unread, or not the caller's to read)."""
    async with db.uow(read_only=True) as uow:
        rows = await uow.session.execute(
            select(NoticeReadRow.notice_id, NoticeReadRow.read_at)
            .where(
                NoticeReadRow.account_id == who.subject,
                NoticeReadRow.notice_id.in_(sorted(set(notice_ids))),
            )
            .order_by(NoticeReadRow.read_at.desc(), NoticeReadRow.notice_id)
        )
        return [(r.notice_id, r.read_at) for r in rows]
