"""Photos of housing listings: upload (type and size checked on the content), put on a
listing, read as the listing is; and the agencies beside a listing."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, UploadFile

from commerce.api import views
from commerce.api.deps import ListingAroundDep, ListingPhotosDep
from commerce.api.schemas.listings import ListingPhotosAdd, ListingRead, PhotoUploadRead
from commerce.api.schemas.points import ServicePointRead
from commerce.usecases.listing_photos import PhotoContent
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.storage import read_upload

router = APIRouter(prefix="/api/v1/commerce", tags=["commerce housing listings"])
IMAGE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}
}


def _image(found: PhotoContent) -> Response:
    return Response(
        found.data,
        media_type=found.content_type,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": f'inline; filename="{found.filename}"',
            "Cache-Control": "private, max-age=300",
        },
    )


@router.post(
    "/listing-photos",
    status_code=201,
    response_model=PhotoUploadRead,
    summary="Upload a photo for a listing (JPEG, PNG, WebP; unused ones expire)",
)
async def upload(file: UploadFile, who: CurrentCaller, photos: ListingPhotosDep) -> PhotoUploadRead:
    data = await read_upload(file, photos.max_bytes)
    return views.upload(await photos.upload(who, data))


@router.get(
    "/listing-photos/{photo_id}/content",
    summary="My uploaded photo before it is on a listing",
    response_class=Response,
    responses=IMAGE,
)
async def preview(photo_id: uuid.UUID, who: CurrentCaller, around: ListingAroundDep) -> Response:
    return _image(await around.upload_preview(who, photo_id))


@router.post(
    "/listings/{listing_id}/photos",
    response_model=ListingRead,
    summary="Add uploaded photos to a listing (the owner who listed it, the property)",
)
async def add_photos(
    listing_id: uuid.UUID, body: ListingPhotosAdd, who: CurrentCaller, around: ListingAroundDep
) -> ListingRead:
    return views.listing(await around.add_photos(who, listing_id, body.photo_ids))


@router.get(
    "/listings/{listing_id}/photos/{photo_id}",
    summary="A listing's photo",
    response_class=Response,
    responses=IMAGE,
)
async def photo(
    listing_id: uuid.UUID, photo_id: uuid.UUID, who: CurrentCaller, around: ListingAroundDep
) -> Response:
    return _image(await around.photo(who, listing_id, photo_id))


@router.get(
    "/listings/{listing_id}/agencies",
    response_model=Page[ServicePointRead],
    summary="Agencies beside a listing, nearest first (distance in words)",
)
async def agencies(
    listing_id: uuid.UUID, who: CurrentCaller, around: ListingAroundDep, paging: Paging
) -> Page[ServicePointRead]:
    rows, total = await around.agencies(who, listing_id, paging)
    return Page[ServicePointRead].of(
        [views.point(n.point, n.distance_m) for n in rows], total, paging
    )
