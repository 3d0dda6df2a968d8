"""Attachments (photos, PDFs, videos of a case): stored when uploaded, their type checked
on the content; readable like the case they belong to (before that, by the uploader only);
every download by someone else is audited (photos may show people and homes)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound, Problem
from work_orders.db.models import Attachment, WorkOrder
from work_orders.domain import access
from work_orders.domain.sniff import EXTENSIONS, sniff
from work_orders.storage import ObjectStore


@dataclass(frozen=True)
class Content:
    data: bytes
    content_type: str
    filename: str


def _not_found() -> NotFound:
    return NotFound("attachment.not_found", "No such attachment")


class Attachments:
    def __init__(self, db: Database, store: ObjectStore) -> None:
        self.db = db
        self.store = store

    async def upload(self, who: Caller, data: bytes) -> Attachment:
        if not data:
            raise Problem(422, "attachment.empty", "The file is empty")
        kind = sniff(data[:32])
        if kind is None:
            raise Problem(
                415,
                "attachment.type_not_allowed",
                "The content is not an allowed type (JPEG, PNG, WebP, GIF, PDF, MP4), "
                "whatever its name or declared type",
                allowed=sorted(EXTENSIONS),
            )
        now = datetime.now(UTC)
        attachment_id = uuid.uuid4()
        key = f"{now:%Y/%m/%d}/{attachment_id}.{EXTENSIONS[kind]}"
        await self.store.put(key, data, kind)
        async with self.db.uow() as uow:
            row = Attachment(
                id=attachment_id,
                uploaded_by=who.subject,
                content_type=kind,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                storage_key=key,
                created_at=now,
            )
            uow.session.add(row)
            await uow.session.flush()
            await uow.audit(
                who,
                "attachment.upload",
                "attachment",
                str(attachment_id),
                detail={"content_type": kind, "size": str(len(data))},
            )
            await uow.commit()
            return row

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
            raise NotFound("attachment.missing", "The attachment's content is gone")
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
