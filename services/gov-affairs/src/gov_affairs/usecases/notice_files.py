"""The attachments of notices by name (公告附件): the file name, kind and size each
attachment was uploaded with (``POST /api/v1/hall/files``), read in one query for a page of
notices, in the order the author attached them; never the content."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from gov_affairs.db.models import ApplicationFileRow, NoticeRow
from sc_core.db.uow import UnitOfWork


@dataclass(frozen=True)
class NoticeFile:
    id: uuid.UUID
    filename: str
    content_type: str
    size: int


async def files_of(uow: UnitOfWork, rows: Iterable[NoticeRow]) -> dict[uuid.UUID, list[NoticeFile]]:
    """Notice id -> its attachments, named."""
    wanted = {row.id: [uuid.UUID(a) for a in row.attachments or []] for row in rows}
    ids = {f for files in wanted.values() for f in files}
    if not ids:
        return {notice: [] for notice in wanted}
    f = ApplicationFileRow
    found = {
        r.id: NoticeFile(r.id, r.filename, r.content_type, r.size)
        for r in await uow.session.execute(
            select(f.id, f.filename, f.content_type, f.size).where(f.id.in_(ids))
        )
    }
    return {notice: [found[x] for x in files if x in found] for notice, files in wanted.items()}
