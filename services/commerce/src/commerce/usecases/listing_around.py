"""What goes with a housing listing (6.4 b): its photos (added by the owner who listed it
or the community's property; read by whoever sees the listing) and the agencies beside it
(the community's service points of kind agency, nearest to the flat first, with the
distance in words, when the listing has its position)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select

from commerce.db import queries as q
from commerce.db.models import ListingPhoto, ServicePoint
from commerce.domain import listings as rules
from commerce.domain.points import distance_m
from commerce.domain.text import problem
from commerce.usecases.listing_photos import ListingPhotos, PhotoContent
from commerce.usecases.listings import Listings, ShownListing
from commerce.usecases.points import Near
from sc_contracts.events import ServicePointKind
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.paging import PageParams, PageTotal, fetch_page


class ListingAround:
    def __init__(self, db: Database, listings: Listings, photos: ListingPhotos) -> None:
        self.db = db
        self.listings = listings
        self.photos = photos

    async def add_photos(
        self, who: Caller, listing_id: uuid.UUID, photo_ids: Sequence[uuid.UUID]
    ) -> ShownListing:
        """The owner who listed it, or the community's property, adds uploaded photos
        to an open listing."""
        async with self.db.uow() as uow:
            row = await self.listings.visible(uow, who, listing_id, lock=True)
            owner = row.household_id in who.principal.scope_ids("household", rules.OWNER_ROLES)
            property_ = in_scope(
                who.principal, community_id=row.community_id, roles=rules.ON_BEHALF_ROLES
            )
            if not (owner or property_):
                raise problem("commerce.not_listing_editor")
            if row.status not in rules.OPEN:
                raise problem("commerce.listing_step_refused")
            await self.photos.link(uow, who, row, photo_ids)
            await uow.audit(
                who,
                "commerce.listing.photos_add",
                "listing",
                str(row.id),
                community_id=row.community_id,
                detail={"photos": str(len(set(photo_ids)))},
            )
            shown = await self.listings.shown(uow, who, row)
            await uow.commit()
            return shown

    async def photo(self, who: Caller, listing_id: uuid.UUID, photo_id: uuid.UUID) -> PhotoContent:
        """A photo of a listing the caller sees."""
        async with self.db.uow(read_only=True) as uow:
            await self.listings.visible(uow, who, listing_id)
            found = await uow.session.get(ListingPhoto, photo_id)
            if found is None or found.listing_id != listing_id:
                raise problem("commerce.photo_not_found")
        return await self.photos.content(found)

    async def upload_preview(self, who: Caller, photo_id: uuid.UUID) -> PhotoContent:
        """The caller's own upload before it is on a listing."""
        return await self.photos.content(await self.photos.own_unlinked(who, photo_id))

    async def agencies(
        self, who: Caller, listing_id: uuid.UUID, paging: PageParams
    ) -> tuple[list[Near], PageTotal]:
        """The agencies of the listing's community, nearest to the flat first (by name
        when the listing has no position)."""
        async with self.db.uow(read_only=True) as uow:
            row = await self.listings.visible(uow, who, listing_id)
            query = select(ServicePoint).where(
                ServicePoint.community_id == row.community_id,
                ServicePoint.kind == ServicePointKind.AGENCY,
            )
            lat, lng = row.latitude, row.longitude
            if lat is None or lng is None:
                query = query.order_by(ServicePoint.name, ServicePoint.id)
                points, total = await fetch_page(uow.session, query, paging)
                return [Near(p, None) for p in points], total
            query = query.order_by(q.distance_sql(lat, lng), ServicePoint.id)
            points, total = await fetch_page(uow.session, query, paging)
            return [Near(p, distance_m(lat, lng, p.latitude, p.longitude)) for p in points], total
