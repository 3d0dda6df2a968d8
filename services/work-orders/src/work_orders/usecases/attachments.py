"""Attachments (photos, PDFs, videos of a case): stored when uploaded, their type checked
on the content; readable like the case they belong to (before that, by the uploader only);
every download by someone else is audited (photos may show people and homes)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound, Problem
from sc_core.storage import EXTENSIONS, sniff
from work_orders.db.models import Attachment, WorkOrder
from work_orders.domain import access
from work_orders.storage import ObjectStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Content:
    data: bytes
    content_type: str
    filename: str


def _not_found() -> NotFound:
    return NotFound("attachment.not_found", "No such attachment", zh="没有这个附件")


@dataclass(frozen=True)
class Quota:
    """What one uploader may hold in uploads not linked to a case (issue 30.9)."""

    max_count: int = 20
    max_bytes: int = 50 * 1024 * 1024
    ttl: timedelta = timedelta(hours=24)


class Attachments:
    def __init__(self, db: Database, store: ObjectStore, quota: Quota | None = None) -> None:
        self.db = db
        self.store = store
        self.quota = quota or Quota()

    async def _ensure_within_quota(self, uow: UnitOfWork, who: Caller, size: int) -> None:
        """The uploader's unlinked uploads, counted under a lock on their name (two
        uploads at once cannot both take the last place)."""
        await uow.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"attachments:{who.subject}")))
        )
        count, total = (
            await uow.session.execute(
                select(func.count(), func.coalesce(func.sum(Attachment.size), 0)).where(
                    Attachment.uploaded_by == who.subject, Attachment.work_order_id.is_(None)
                )
            )
        ).one()
        if count >= self.quota.max_count or total + size > self.quota.max_bytes:
            hours = max(1, round(self.quota.ttl.total_seconds() / 3600))
            raise Problem(
                429,
                "attachment.quota_exceeded",
                f"You have too many files not yet on a case (at most {self.quota.max_count}, "
                f"{self.quota.max_bytes // (1024 * 1024)} MB): add them to a case, or wait: "
                f"unused files are deleted after {hours} hours",
                zh=f"尚未添加到工单的文件过多（最多 {self.quota.max_count} 个、"
                f"{self.quota.max_bytes // (1024 * 1024)} MB）：请先添加到工单，"
                f"未使用的文件 {hours} 小时后自动删除",
                max_count=self.quota.max_count,
                max_bytes=self.quota.max_bytes,
            )

    async def expire_unlinked(self, now: datetime | None = None, batch: int = 500) -> int:
        """Delete uploads never linked to a case within the quota's time (a job); their
        content goes from the store after the rows are gone."""
        cutoff = (now or datetime.now(UTC)) - self.quota.ttl
        async with self.db.uow() as uow:
            expired = (
                select(Attachment.id)
                .where(Attachment.work_order_id.is_(None), Attachment.created_at < cutoff)
                .order_by(Attachment.created_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
            keys = list(
                await uow.session.scalars(
                    delete(Attachment)
                    .where(Attachment.id.in_(expired))
                    .returning(Attachment.storage_key)
                )
            )
            await uow.commit()
        for key in keys:
            try:
                await self.store.delete(key)
            except Exception as exc:  # the row is gone; a leftover object is only space
                log.warning("attachment content %s not deleted: %s", key, exc)
        return len(keys)

    async def upload(self, who: Caller, data: bytes) -> Attachment:
        if not data:
            raise Problem(422, "attachment.empty", "The file is empty", zh="文件是空的")
        kind = sniff(data[:32])
        if kind is None:
            raise Problem(
                415,
                "attachment.type_not_allowed",
                "The content is not an allowed type (JPEG, PNG, WebP, GIF, PDF, MP4), "
                "whatever its name or declared type",
                zh="文件内容不是允许的类型（JPEG、PNG、WebP、GIF、PDF、MP4），与文件名或声明的类型无关",
                allowed=sorted(EXTENSIONS),
            )
        now = datetime.now(UTC)
        attachment_id = uuid.uuid4()
        key = f"{now:%Y/%m/%d}/{attachment_id}.{EXTENSIONS[kind]}"
        async with self.db.uow() as uow:
            await self._ensure_within_quota(uow, who, len(data))
            await self.store.put(key, data, kind)
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
