"""Photos of housing listings (6.4 b), on the platform's upload mechanism
(:mod:`sc_core.storage`, as work-orders' case photos): a photo is uploaded first (its type
checked on the content: JPEG, PNG or WebP), then put on a listing by its uploader; until
then only the uploader sees it, each uploader holds at most a quota of such photos, and
they are deleted after a day unused. On a listing a photo is seen by whoever sees the
listing (the owner chose to show it: the reads are not audited)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from commerce.db.models import Listing, ListingPhoto
from commerce.domain.text import problem
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.storage import EXTENSIONS, ObjectStore, not_allowed, sniff

log = logging.getLogger(__name__)

IMAGES = frozenset({"image/jpeg", "image/png", "image/webp"})
MAX_PER_LISTING = 9


@dataclass(frozen=True)
class Quota:
    """What one uploader may hold in photos not on a listing."""

    max_count: int = 20
    max_bytes: int = 50 * 1024 * 1024
    ttl: timedelta = timedelta(hours=24)


@dataclass(frozen=True)
class PhotoContent:
    data: bytes
    content_type: str
    filename: str


class ListingPhotos:
    def __init__(
        self,
        db: Database,
        store: ObjectStore,
        quota: Quota | None = None,
        max_bytes: int = 10 * 1024 * 1024,
    ) -> None:
        self.db = db
        self.store = store
        self.quota = quota or Quota()
        self.max_bytes = max_bytes  # one photo

    async def upload(self, who: Caller, data: bytes) -> ListingPhoto:
        if not data:
            raise Problem(422, "attachment.empty", "The file is empty", zh="文件是空的")
        kind = sniff(data[:32])
        if kind not in IMAGES:
            raise not_allowed(IMAGES)
        now = datetime.now(UTC)
        photo_id = uuid.uuid4()
        key = f"listings/{now:%Y/%m/%d}/{photo_id}.{EXTENSIONS[kind]}"
        async with self.db.uow() as uow:
            await self._within_quota(uow, who, len(data))
            await self.store.put(key, data, kind)
            row = ListingPhoto(
                id=photo_id,
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
                "commerce.listing_photo.upload",
                "listing_photo",
                str(photo_id),
                detail={"content_type": kind, "size": str(len(data))},
            )
            await uow.commit()
            return row

    async def link(
        self, uow: UnitOfWork, who: Caller, listing: Listing, photo_ids: Sequence[uuid.UUID]
    ) -> None:
        """Put the caller's unlinked photos on ``listing`` (after those it has), in order."""
        if not photo_ids:
            return
        wanted = list(dict.fromkeys(photo_ids))
        rows = list(
            await uow.session.scalars(
                select(ListingPhoto)
                .where(
                    ListingPhoto.id.in_(wanted),
                    ListingPhoto.uploaded_by == who.subject,
                    ListingPhoto.listing_id.is_(None),
                )
                .with_for_update()
            )
        )
        if len(rows) != len(wanted):
            raise problem("commerce.photo_unusable")
        had = await uow.session.scalar(
            select(func.count()).where(ListingPhoto.listing_id == listing.id)
        )
        if (had or 0) + len(rows) > MAX_PER_LISTING:
            raise problem("commerce.too_many_photos")
        by_id = {r.id: r for r in rows}
        for n, photo_id in enumerate(wanted, start=had or 0):
            by_id[photo_id].listing_id = listing.id
            by_id[photo_id].position = n
        await uow.session.flush()

    async def of(
        self, uow: UnitOfWork, listing_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, list[ListingPhoto]]:
        found: dict[uuid.UUID, list[ListingPhoto]] = {i: [] for i in listing_ids}
        if not listing_ids:
            return found
        rows = await uow.session.scalars(
            select(ListingPhoto)
            .where(ListingPhoto.listing_id.in_(list(listing_ids)))
            .order_by(ListingPhoto.listing_id, ListingPhoto.position)
        )
        for r in rows:
            if r.listing_id is not None:
                found[r.listing_id].append(r)
        return found

    async def content(self, photo: ListingPhoto) -> PhotoContent:
        data = await self.store.get(photo.storage_key)
        if data is None:
            raise Problem(
                404,
                "attachment.missing",
                "The photo's content is gone",
                zh="照片内容已不存在",
            )
        name = f"{photo.id}.{EXTENSIONS.get(photo.content_type, 'bin')}"
        return PhotoContent(data, photo.content_type, name)

    async def own_unlinked(self, who: Caller, photo_id: uuid.UUID) -> ListingPhoto:
        """An upload of the caller's not yet on a listing (its preview)."""
        async with self.db.uow(read_only=True) as uow:
            row = await uow.session.get(ListingPhoto, photo_id)
            if row is None or row.listing_id is not None or row.uploaded_by != who.subject:
                raise problem("commerce.photo_not_found")
            return row

    async def expire_unlinked(self, now: datetime | None = None, batch: int = 500) -> int:
        """Delete photos never put on a listing within the quota's time (a job); their
        content goes from the store after the rows are gone."""
        cutoff = (now or datetime.now(UTC)) - self.quota.ttl
        async with self.db.uow() as uow:
            expired = (
                select(ListingPhoto.id)
                .where(ListingPhoto.listing_id.is_(None), ListingPhoto.created_at < cutoff)
                .order_by(ListingPhoto.created_at)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
            keys = list(
                await uow.session.scalars(
                    delete(ListingPhoto)
                    .where(ListingPhoto.id.in_(expired))
                    .returning(ListingPhoto.storage_key)
                )
            )
            await uow.commit()
        for key in keys:
            try:
                await self.store.delete(key)
            except Exception as exc:  # the row is gone; a leftover object is only space
                log.warning("listing photo %s not deleted: %s", key, exc)
        return len(keys)

    async def _within_quota(self, uow: UnitOfWork, who: Caller, size: int) -> None:
        """The uploader's unlinked photos, counted under a lock on their name (two
        uploads at once cannot both take the last place)."""
        await uow.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"listing-photos:{who.subject}")))
        )
        count, total = (
            await uow.session.execute(
                select(func.count(), func.coalesce(func.sum(ListingPhoto.size), 0)).where(
                    ListingPhoto.uploaded_by == who.subject, ListingPhoto.listing_id.is_(None)
                )
            )
        ).one()
        q = self.quota
        if count >= q.max_count or total + size > q.max_bytes:
            hours = max(1, round(q.ttl.total_seconds() / 3600))
            mb = q.max_bytes // (1024 * 1024)
            raise Problem(
                429,
                "attachment.quota_exceeded",
                f"You have too many photos not yet on a listing (at most {q.max_count}, "
                f"{mb} MB): add them to a listing, or wait: unused photos are deleted after "
                f"{hours} hours",
                zh=f"尚未添加到租售信息的照片过多（最多 {q.max_count} 张、{mb} MB）："
                f"请先添加到租售信息，未使用的照片 {hours} 小时后自动删除",
                max_count=q.max_count,
                max_bytes=q.max_bytes,
            )
