"""Uploads held for their uploader until they are put on what they belong to (a case's
photos, a listing's photos): stored at once with their type read from the content, counted
against the uploader's quota while unplaced (under a lock on the uploader, so two uploads
at once cannot both take the last place), audited, and deleted with their content when
never placed within the quota's time.

Each service keeps its own table; the table has the columns ``id``, ``uploaded_by``,
``content_type``, ``size``, ``sha256``, ``storage_key``, ``created_at`` and one nullable
column naming what the upload was put on (``link``)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute

from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.storage import EXTENSIONS, ObjectStore, not_allowed, sniff

log = logging.getLogger(__name__)

Row = TypeVar("Row")


@dataclass(frozen=True)
class Quota:
    """What one uploader may hold in uploads not yet put on anything."""

    max_count: int = 20
    max_bytes: int = 50 * 1024 * 1024
    ttl: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class Words:
    """How the quota's refusal names the uploads and what they go on, in both languages:
    ``Words("files", "文件", "个", "a case", "工单")``."""

    what_en: str
    what_zh: str
    unit_zh: str
    on_en: str
    on_zh: str


class PendingUploads(Generic[Row]):
    def __init__(
        self,
        model: type[Row],
        link: InstrumentedAttribute[Any],
        *,
        words: Words,
        lock: str,
        quota: Quota | None = None,
    ) -> None:
        self.model = model
        self.link = link
        self.words = words
        self.lock = lock  # the advisory lock's name, per uploader
        self.quota = quota or Quota()

    async def upload(
        self,
        db: Database,
        store: ObjectStore,
        who: Caller,
        data: bytes,
        *,
        prefix: str,
        action: str,
        entity: str,
        allowed: frozenset[str] | None = None,
    ) -> Row:
        """Store ``data`` as the caller's unplaced upload: 422 ``attachment.empty``, 415
        ``attachment.type_not_allowed`` (the content is none of ``allowed``), 429
        ``attachment.quota_exceeded``; audited as ``action`` on ``entity``."""
        if not data:
            raise Problem(422, "attachment.empty", "The file is empty", zh="文件是空的")
        kind = sniff(data[:32])
        if kind is None or (allowed is not None and kind not in allowed):
            raise not_allowed(allowed)
        now = datetime.now(UTC)
        upload_id = uuid.uuid4()
        key = f"{prefix}{now:%Y/%m/%d}/{upload_id}.{EXTENSIONS[kind]}"
        model: Any = self.model
        async with db.uow() as uow:
            await self.ensure_room(uow, who, len(data))
            await store.put(key, data, kind)
            row: Row = model(
                id=upload_id,
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
                action,
                entity,
                str(upload_id),
                detail={"content_type": kind, "size": str(len(data))},
            )
            await uow.commit()
            return row

    async def ensure_room(self, uow: UnitOfWork, who: Caller, size: int) -> None:
        """429 ``attachment.quota_exceeded`` when another ``size`` bytes would pass the
        caller's quota of unplaced uploads (counted under a lock on the caller)."""
        model: Any = self.model
        await uow.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"{self.lock}:{who.subject}")))
        )
        count, total = (
            await uow.session.execute(
                select(func.count(), func.coalesce(func.sum(model.size), 0)).where(
                    model.uploaded_by == who.subject, self.link.is_(None)
                )
            )
        ).one()
        q, w = self.quota, self.words
        if count >= q.max_count or total + size > q.max_bytes:
            hours = max(1, round(q.ttl.total_seconds() / 3600))
            mb = q.max_bytes // (1024 * 1024)
            raise Problem(
                429,
                "attachment.quota_exceeded",
                f"You have too many {w.what_en} not yet on {w.on_en} (at most {q.max_count}, "
                f"{mb} MB): add them to {w.on_en}, or wait: unused {w.what_en} are deleted "
                f"after {hours} hours",
                zh=f"尚未添加到{w.on_zh}的{w.what_zh}过多（最多 {q.max_count} {w.unit_zh}、"
                f"{mb} MB）：请先添加到{w.on_zh}，未使用的{w.what_zh} {hours} 小时后自动删除",
                max_count=q.max_count,
                max_bytes=q.max_bytes,
            )

    async def expire(
        self, db: Database, store: ObjectStore, now: datetime | None = None, batch: int = 500
    ) -> int:
        """Delete up to ``batch`` uploads never placed within the quota's time (a job);
        their content goes from the store after the rows are gone."""
        model: Any = self.model
        cutoff = (now or datetime.now(UTC)) - self.quota.ttl
        async with db.uow() as uow:
            expired = (
                select(model.id)
                .where(self.link.is_(None), model.created_at < cutoff)
                .order_by(model.created_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
            keys = list(
                await uow.session.scalars(
                    delete(model).where(model.id.in_(expired)).returning(model.storage_key)
                )
            )
            await uow.commit()
        for key in keys:
            try:
                await store.delete(key)
            except Exception as exc:  # the row is gone; a leftover object is only space
                log.warning("upload content %s not deleted: %s", key, exc)
        return len(keys)
