"""Photos of housing listings (6.4 b), on the platform's upload mechanism
(:mod:`sc_core.storage`, as work-orders' case photos): a photo is uploaded first (its type
checked on the content: JPEG, PNG or WebP), then put on a listing by its uploader; until
then only the uploader sees it, each uploader holds at most a quota of such photos, and
they are deleted after a day unused. On a listing a photo is seen by whoever sees the
listing (the owner chose to show it: the reads are not audited)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select

from commerce.db.models import Listing, ListingPhoto
from commerce.domain.text import problem
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem
from sc_core.storage import EXTENSIONS, ObjectStore
from sc_core.storage.uploads import PendingUploads, Quota, Words

__all__ = ["ListingPhotos", "PhotoContent", "Quota"]

IMAGES = frozenset({"image/jpeg", "image/png", "image/webp"})
MAX_PER_LISTING = 9


@dataclass(frozen=True)
class PhotoContent:
    data: bytes
    content_type: str
    filename: str


PHOTOS_OF = (
    select(ListingPhoto)
    .where(ListingPhoto.listing_id.in_(bindparam("listings", expanding=True)))
    .order_by(ListingPhoto.listing_id, ListingPhoto.position)
)
"""The photos of a page of listings, kept: the listings' ids are bound (ADR 0076)."""


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
        self.pending = PendingUploads(
            ListingPhoto,
            ListingPhoto.listing_id,
            words=Words("photos", "照片", "张", "a listing", "租售信息"),
            lock="listing-photos",
            quota=quota,
        )
        self.max_bytes = max_bytes  # one photo

    async def upload(self, who: Caller, data: bytes) -> ListingPhoto:
        return await self.pending.upload(
            self.db,
            self.store,
            who,
            data,
            prefix="listings/",
            action="commerce.listing_photo.upload",
            entity="listing_photo",
            allowed=IMAGES,
        )

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
        rows = await uow.session.scalars(PHOTOS_OF, {"listings": list(listing_ids)})
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
        """Delete photos never put on a listing within the quota's time (a job)."""
        return await self.pending.expire(self.db, self.store, now, batch)
