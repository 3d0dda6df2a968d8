"""Attachments (photos, PDFs, videos of a case): stored when uploaded, their type checked
on the content; readable like the case they belong to (before that, by the uploader only);
every download by someone else is audited (photos may show people and homes)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound
from sc_core.storage import EXTENSIONS
from sc_core.storage.uploads import PendingUploads, Quota, Words
from work_orders.db.models import Attachment, WorkOrder
from work_orders.domain import access
from work_orders.storage import ObjectStore

__all__ = ["Attachments", "Content", "Quota"]


@dataclass(frozen=True)
class Content:
    data: bytes
    content_type: str
    filename: str


def _not_found() -> NotFound:
    return NotFound("attachment.not_found", "No such attachment", zh="没有这个附件")


class Attachments:
    def __init__(self, db: Database, store: ObjectStore, quota: Quota | None = None) -> None:
        self.db = db
        self.store = store
        self.pending = PendingUploads(
            Attachment,
            Attachment.work_order_id,
            words=Words("files", "文件", "个", "a case", "工单"),
            lock="attachments",
            quota=quota,
        )

    async def expire_unlinked(self, now: datetime | None = None, batch: int = 500) -> int:
        """Delete uploads never linked to a case within the quota's time (a job)."""
        return await self.pending.expire(self.db, self.store, now, batch)

    async def upload(self, who: Caller, data: bytes) -> Attachment:
        return await self.pending.upload(
            self.db,
            self.store,
            who,
            data,
            prefix="",
            action="attachment.upload",
            entity="attachment",
        )

    async def meta(self, who: Caller, attachment_id: uuid.UUID) -> Attachment:
        async with self.db.uow(read_only=True) as uow:
            return await self._visible(uow, who, attachment_id)

    async def content(self, who: Caller, attachment_id: uuid.UUID) -> Content:
        async with self.db.uow(read_only=True) as uow:
            row = await self._visible(uow, who, attachment_id)
            if row.uploaded_by != who.subject:  # photos may show people and homes
                await uow.audit(
                    who,
                    "attachment.read",
                    "attachment",
                    str(row.id),
                    community_id=row.community_id,
                )
                await uow.commit()
        data = await self.store.get(row.storage_key)
        if data is None:
            raise NotFound(
                "attachment.missing", "The attachment's content is gone", zh="附件内容已不存在"
            )
        name = f"{row.id}.{EXTENSIONS.get(row.content_type, 'bin')}"
        return Content(data, row.content_type, name)

    @staticmethod
    async def _visible(uow: UnitOfWork, who: Caller, attachment_id: uuid.UUID) -> Attachment:
        row = await uow.session.get(Attachment, attachment_id)
        if row is None:
            raise _not_found()
        if row.work_order_id is None:
            if row.uploaded_by != who.subject:
                raise _not_found()
            return row
        wo = await uow.session.get(WorkOrder, row.work_order_id)
        if wo is None or not access.can_see(who.principal, wo):
            raise _not_found()
        return row
