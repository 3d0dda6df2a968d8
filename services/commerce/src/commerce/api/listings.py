"""Housing listings (房屋租售): list a room, review, withdraw, read, reveal the contact."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from commerce.api import views
from commerce.api.deps import ListingsDep
from commerce.api.schemas.listings import ListingCreate, ListingRead, ListingReview
from sc_contracts.events import ListingKind, ListingStatus
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.privacy import RevealRequest

router = APIRouter(prefix="/api/v1/commerce/listings", tags=["commerce housing listings"])


@router.post(
    "",
    status_code=201,
    response_model=ListingRead,
    summary="List my room for rent or sale (owner), or an owner's room (property)",
)
async def create(body: ListingCreate, who: CurrentCaller, listings: ListingsDep) -> ListingRead:
    return views.listing(await listings.create(who, body))


@router.get(
    "",
    response_model=Page[ListingRead],
    summary="Listings: my community's published ones, my household's, all (staff)",
)
async def list_listings(
    who: CurrentCaller,
    listings: ListingsDep,
    paging: Paging,
    kind: ListingKind | None = None,
    status: ListingStatus | None = None,
    mine: Annotated[bool, Query(description="Only my household's listings")] = False,
) -> Page[ListingRead]:
    rows, total = await listings.page(who, paging, kind=kind, status=status, mine=mine)
    return Page[ListingRead].of([views.listing(r) for r in rows], total, paging)


@router.get("/{listing_id}", response_model=ListingRead, summary="A listing")
async def get_listing(
    listing_id: uuid.UUID, who: CurrentCaller, listings: ListingsDep
) -> ListingRead:
    return views.listing(await listings.get(who, listing_id))


@router.post(
    "/{listing_id}/reveal",
    response_model=ListingRead,
    summary="The contact phone in full, for a stated purpose (the read is audited)",
)
async def reveal(
    listing_id: uuid.UUID, body: RevealRequest, who: CurrentCaller, listings: ListingsDep
) -> ListingRead:
    return views.listing(await listings.reveal(who, listing_id, body))


@router.post("/{listing_id}/publish", response_model=ListingRead, summary="Publish (staff)")
async def publish(
    listing_id: uuid.UUID,
    who: CurrentCaller,
    listings: ListingsDep,
    body: ListingReview | None = None,
) -> ListingRead:
    note = body.note if body else None
    return views.listing(await listings.review(who, listing_id, publish=True, note=note))


@router.post("/{listing_id}/reject", response_model=ListingRead, summary="Reject (staff)")
async def reject(
    listing_id: uuid.UUID, body: ListingReview, who: CurrentCaller, listings: ListingsDep
) -> ListingRead:
    return views.listing(await listings.review(who, listing_id, publish=False, note=body.note))


@router.post(
    "/{listing_id}/withdraw", response_model=ListingRead, summary="Withdraw (owner, property)"
)
async def withdraw(listing_id: uuid.UUID, who: CurrentCaller, listings: ListingsDep) -> ListingRead:
    return views.listing(await listings.withdraw(who, listing_id))
