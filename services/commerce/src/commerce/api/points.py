"""Service points (便民服务网点) and their bookings."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from commerce.api import views
from commerce.api.deps import BinsDep, PointsDep
from commerce.api.schemas.points import (
    BinCreate,
    BinRead,
    BookingCreate,
    BookingRead,
    ServicePointCreate,
    ServicePointRead,
)
from commerce.domain.text import problem
from commerce.usecases.points import Origin
from sc_contracts.events import ServicePointKind
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/commerce", tags=["commerce service points"])


@router.post(
    "/service-points", status_code=201, response_model=ServicePointRead, summary="Add (staff)"
)
async def create_point(
    body: ServicePointCreate, who: CurrentCaller, points: PointsDep
) -> ServicePointRead:
    return views.point(await points.create(who, body))


@router.get(
    "/service-points",
    response_model=Page[ServicePointRead],
    summary="Service points of my community, nearest first from lat/lng",
)
async def list_points(
    who: CurrentCaller,
    points: PointsDep,
    paging: Paging,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lng: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_m: Annotated[float | None, Query(gt=0, le=50_000)] = None,
    kind: ServicePointKind | None = None,
) -> Page[ServicePointRead]:
    if (lat is None) != (lng is None) or (radius_m is not None and lat is None):
        raise problem("commerce.location_incomplete")
    origin = None if lat is None or lng is None else Origin(lat, lng, radius_m)
    rows, total = await points.nearby(who, paging, origin=origin, kind=kind)
    return Page[ServicePointRead].of(
        [views.point(n.point, n.distance_m, n.bins) for n in rows], total, paging
    )


@router.get("/service-points/{point_id}", response_model=ServicePointRead, summary="One point")
async def get_point(point_id: uuid.UUID, who: CurrentCaller, points: PointsDep) -> ServicePointRead:
    near = await points.get(who, point_id)
    return views.point(near.point, None, near.bins)


@router.post(
    "/service-points/{point_id}/bins",
    status_code=201,
    response_model=BinRead,
    summary="Place a waste bin device beside a recycling point (staff)",
)
async def add_bin(
    point_id: uuid.UUID, body: BinCreate, who: CurrentCaller, bins: BinsDep
) -> BinRead:
    return views.bin_(await bins.add(who, point_id, body))


@router.post(
    "/service-points/{point_id}/bookings",
    status_code=201,
    response_model=BookingRead,
    summary="Book a service (residents)",
)
async def book(
    point_id: uuid.UUID, body: BookingCreate, who: CurrentCaller, points: PointsDep
) -> BookingRead:
    return views.booking(await points.book(who, point_id, body))


@router.get(
    "/bookings", response_model=Page[BookingRead], summary="My household's bookings, or my scope's"
)
async def list_bookings(who: CurrentCaller, points: PointsDep, paging: Paging) -> Page[BookingRead]:
    rows, total = await points.bookings(who, paging)
    return Page[BookingRead].of([views.booking(b) for b in rows], total, paging)
