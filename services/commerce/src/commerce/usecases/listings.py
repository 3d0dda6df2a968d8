"""Housing listings (房屋租售, 6.4 b): an owner lists their room for rent or sale (the
property may do it on the owner's behalf); identity's register must name an owner of the
household; the staff publish or reject the owner's listing; the community's residents
read the published ones with the contact phone masked, and reveal it for a purpose (the
read audited); the owner or the property withdraws it. Whose flat it is (the household)
is shown only to that household and to the community's staff, never to the neighbours."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, or_, select

from commerce.api.schemas.listings import ListingCreate
from commerce.db import listing_list
from commerce.db import queries as q
from commerce.db.models import Listing, ListingPhoto
from commerce.domain import listings as rules
from commerce.domain.merchants import RESIDENT_ROLES, STAFF_ROLES
from commerce.domain.text import problem
from commerce.usecases.listing_photos import ListingPhotos
from commerce.usecases.owners import has_owner
from sc_contracts.events import ListingChange, ListingChangedV1, ListingKind, ListingStatus
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import HouseholdPlace, Places
from sc_core.privacy import RevealRequest, reveal_detail
from sc_core.privacy.masking import mask_mobile


@dataclass(frozen=True)
class ShownListing:
    """A listing as one reader sees it: the contact phone in full or masked; the owner's
    household only to that household and the community's staff (``private``); its
    photos in order."""

    listing: Listing
    phone: str
    masked: bool
    mine: bool
    private: bool
    photos: list[ListingPhoto]


def _households(who: Caller) -> set[str]:
    return set(who.principal.scope_ids("household", RESIDENT_ROLES))


def _shown(
    who: Caller, row: Listing, photos: list[ListingPhoto], *, revealed: bool = False
) -> ShownListing:
    mine = row.household_id in _households(who)
    private = mine or in_scope(who.principal, community_id=row.community_id, roles=STAFF_ROLES)
    if revealed or mine:
        return ShownListing(row, row.contact_phone, False, mine, private, photos)
    phone = mask_mobile(row.contact_phone) or ""
    return ShownListing(row, phone, True, mine, private, photos)


class Listings:
    def __init__(self, db: Database, places: Places, photos: ListingPhotos) -> None:
        self.db = db
        self.places = places
        self.photos = photos

    async def shown(
        self, uow: UnitOfWork, who: Caller, row: Listing, *, revealed: bool = False
    ) -> ShownListing:
        """``row`` as ``who`` sees it, with its photos."""
        photos = (await self.photos.of(uow, [row.id]))[row.id]
        return _shown(who, row, photos, revealed=revealed)

    async def create(self, who: Caller, body: ListingCreate) -> ShownListing:
        owned = who.principal.scope_ids("household", rules.OWNER_ROLES)
        household = body.household_id
        if household is None and len(owned) == 1:
            [household] = owned
        if household is None:
            raise problem("commerce.not_room_owner")
        async with self.db.uow() as uow:
            place = await self.places.household(uow, household)
            on_behalf = household not in owned
            if on_behalf and not (
                place is not None
                and in_scope(
                    who.principal, community_id=place.community_id, roles=rules.ON_BEHALF_ROLES
                )
            ):
                raise problem("commerce.not_room_owner")  # a tenant, family, or someone else
            if place is None or place.status != "active":
                raise problem("commerce.household_unknown")
            if not await has_owner(uow, household):
                raise problem("commerce.owner_unverified")
            await self._no_open_listing(uow, place, body.kind)
            now = datetime.now(UTC)
            row = Listing(
                id=uuid.uuid4(),
                community_id=place.community_id,
                building_id=place.building_id,
                room_id=place.room_id,
                household_id=household,
                kind=body.kind,
                title=" ".join(body.title.split()),
                place_label=" ".join(body.place_label.split()),
                description=body.description.strip(),
                layout=body.layout.strip() if body.layout else None,
                area_m2=body.area_m2,
                price_fen=body.price_fen,
                contact_name=body.contact_name.strip(),
                contact_phone=body.contact_phone,
                latitude=body.latitude,
                longitude=body.longitude,
                status=rules.first_status(on_behalf),
                on_behalf=on_behalf,
                created_by=who.subject,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(row)
            await uow.session.flush()
            await self.photos.link(uow, who, row, body.photo_ids)
            change = ListingChange.PUBLISHED if on_behalf else ListingChange.SUBMITTED
            await self._changed(uow, who, row, change, now)
            shown = await self.shown(uow, who, row)
            await uow.commit()
            return shown

    async def review(
        self, who: Caller, listing_id: uuid.UUID, *, publish: bool, note: str | None
    ) -> ShownListing:
        async with self.db.uow() as uow:
            row = await self.visible(uow, who, listing_id, lock=True)
            if not in_scope(
                who.principal, community_id=row.community_id, roles=rules.MODERATOR_ROLES
            ):
                raise problem("commerce.not_listing_moderator")
            if not publish and not (note or "").strip():
                raise problem("commerce.reject_reason_required")
            change = ListingChange.PUBLISHED if publish else ListingChange.REJECTED
            row.review_note = (note or "").strip() or None
            row.reviewed_by = who.subject
            await self._step(uow, who, row, change)
            shown = await self.shown(uow, who, row)
            await uow.commit()
            return shown

    async def withdraw(self, who: Caller, listing_id: uuid.UUID) -> ShownListing:
        async with self.db.uow() as uow:
            row = await self.visible(uow, who, listing_id, lock=True)
            owner = row.household_id in who.principal.scope_ids("household", rules.OWNER_ROLES)
            property_ = in_scope(
                who.principal, community_id=row.community_id, roles=rules.ON_BEHALF_ROLES
            )
            if not (owner or property_):
                raise problem("commerce.not_listing_owner")
            await self._step(uow, who, row, ListingChange.WITHDRAWN)
            shown = await self.shown(uow, who, row)
            await uow.commit()
            return shown

    async def get(self, who: Caller, listing_id: uuid.UUID) -> ShownListing:
        async with self.db.uow(read_only=True) as uow:
            return await self.shown(uow, who, await self.visible(uow, who, listing_id))

    async def reveal(self, who: Caller, listing_id: uuid.UUID, body: RevealRequest) -> ShownListing:
        """The contact phone in full, for a stated purpose; the read is audited."""
        if body.field != "contact_phone":
            raise problem("commerce.not_revealable")
        async with self.db.uow() as uow:
            row = await self.visible(uow, who, listing_id)
            await uow.audit(
                who,
                "commerce.listing.reveal",
                "listing",
                str(row.id),
                community_id=row.community_id,
                detail=reveal_detail(body),
            )
            shown = await self.shown(uow, who, row, revealed=True)
            await uow.commit()
            return shown

    async def page(
        self,
        who: Caller,
        paging: PageParams,
        *,
        kind: ListingKind | None,
        status: ListingStatus | None,
        mine: bool,
    ) -> tuple[list[ShownListing], PageTotal]:
        async with self.db.uow(read_only=True) as uow:
            communities = (
                set() if mine else await q.resident_communities(uow, self.places, who.principal)
            )
            shape, values = listing_list.shape_and_values(
                who.principal, _households(who), communities, mine=mine, kind=kind, status=status
            )
            query = listing_list.statement(shape)
            rows, total = await fetch_page(uow.session, query, paging, bind=values)
            photos = await self.photos.of(uow, [r.id for r in rows])
            return [_shown(who, r, photos[r.id]) for r in rows], total

    # ---------------------------------------------------------------------------------
    async def _seen(self, uow: UnitOfWork, who: Caller) -> ColumnElement[bool]:
        """Staff: their community's listings; a household: its own; residents: the
        published ones of their community."""
        communities = await q.resident_communities(uow, self.places, who.principal)
        return or_(
            q.staff_scope(who.principal, Listing.community_id),
            q.in_communities(Listing.household_id, _households(who)),
            and_(
                Listing.status == ListingStatus.PUBLISHED,
                q.in_communities(Listing.community_id, communities),
            ),
        )

    async def visible(
        self, uow: UnitOfWork, who: Caller, listing_id: uuid.UUID, *, lock: bool = False
    ) -> Listing:
        query = select(Listing).where(Listing.id == listing_id, await self._seen(uow, who))
        row = await uow.session.scalar(query.with_for_update() if lock else query)
        if row is None:
            raise problem("commerce.listing_not_found")  # another's looks absent
        return row

    async def _no_open_listing(self, uow: UnitOfWork, place: HouseholdPlace, kind: str) -> None:
        found = await uow.session.scalar(
            select(Listing.id)
            .where(
                Listing.room_id == place.room_id,
                Listing.kind == kind,
                Listing.status.in_(sorted(rules.OPEN)),
            )
            .limit(1)
        )
        if found is not None:
            raise problem("commerce.listing_open")

    async def _step(
        self, uow: UnitOfWork, who: Caller, row: Listing, change: ListingChange
    ) -> None:
        after = rules.step(row.status, change)
        if after is None:
            raise problem("commerce.listing_step_refused")
        row.status = after
        row.updated_at = datetime.now(UTC)
        await self._changed(uow, who, row, change, row.updated_at)

    async def _changed(
        self, uow: UnitOfWork, who: Caller, row: Listing, change: ListingChange, at: datetime
    ) -> None:
        await uow.publish(
            ListingChangedV1(
                listing_id=str(row.id),
                community_id=row.community_id,
                building_id=row.building_id,
                room_id=row.room_id,
                household_id=row.household_id,
                kind=ListingKind(row.kind),
                price_fen=row.price_fen,
                status=ListingStatus(row.status),
                change=change,
                on_behalf=row.on_behalf,
                changed_by=who.subject,
                changed_at=at,
            ),
            key=str(row.id),
        )
        await uow.audit(
            who,
            f"commerce.listing.{change.value}",
            "listing",
            str(row.id),
            community_id=row.community_id,
            detail={"status": row.status, "on_behalf": str(row.on_behalf).lower()},
        )
