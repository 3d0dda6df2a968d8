"""Value-added services (增值服务): offers published by the community's staff (the price
recorded, never charged here), booked for an elder, confirmed and done by staff, rated
once by who booked it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal, cast

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from care.api.deps import ValueAddedDep
from care.db.elderly_models import ServiceOfferRow
from care.domain.elderly import ORDER_STATUS_WORDS, SERVICE_NAMES, OrderStatus, ServiceKind
from care.usecases.value_added import OrderView
from sc_core.auth import CurrentCaller
from sc_core.paging import Page, Paging
from sc_core.schema import AwareInstant

router = APIRouter(prefix="/api/v1/care", tags=["value-added services"])

PriceUnit = Literal["per_visit", "per_hour", "per_session"]
# the booking's states as plain values (an enum named OrderStatus is another service's)
BookingStatus = Literal["booked", "confirmed", "done", "rated", "cancelled"]
UNIT_WORDS = {"per_visit": ("次", "visit"), "per_hour": ("小时", "hour"),
              "per_session": ("疗程", "course")}  # fmt: skip


class ServiceOfferCreate(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    kind: ServiceKind = Field(examples=["post_op_care"])
    provider: str = Field(min_length=1, max_length=100, examples=["康宁护理服务中心"])
    title: str = Field(min_length=1, max_length=100, examples=["术后上门换药"])
    description: str | None = Field(default=None, max_length=500)
    price_fen: int = Field(ge=0, le=10_000_000, description="the price in fen (分), recorded")
    price_unit: PriceUnit = "per_visit"


class ServiceOfferRead(BaseModel):
    id: str
    community_id: str
    kind: ServiceKind
    kind_zh: str
    kind_en: str
    provider: str
    title: str
    description: str | None
    price_fen: int
    price_zh: str = Field(examples=["¥80.00/次"])
    price_en: str = Field(examples=["¥80.00 per visit"])
    active: bool
    created_at: datetime


class ServiceOrderCreate(BaseModel):
    person_id: str = Field(min_length=1, max_length=64, description="the elder's care record")
    at: AwareInstant = Field(description="when the service is wanted (within 90 days)")
    note: str | None = Field(default=None, max_length=200)


class ServiceRatingCreate(BaseModel):
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=200, examples=["护士很细心"])


class ServiceOrderRead(BaseModel):
    id: str
    offer: ServiceOfferRead
    person_id: str
    person_name: str
    booked_by: str
    at: datetime
    note: str | None
    price_fen: int
    status: BookingStatus
    status_zh: str
    status_en: str
    rating: int | None
    comment: str | None
    created_at: datetime
    updated_at: datetime


@router.post("/service-offers", status_code=201, response_model=ServiceOfferRead)
async def publish(
    body: ServiceOfferCreate, who: CurrentCaller, services: ValueAddedDep
) -> ServiceOfferRead:
    """Community admins, caregivers and doctors of the community publish an offer."""
    row = await services.publish(
        who, body.community_id, body.kind, body.provider, body.title, body.description,
        body.price_fen, body.price_unit,
    )  # fmt: skip
    return offer_read(row)


@router.get("/service-offers", response_model=Page[ServiceOfferRead])
async def offers(
    who: CurrentCaller,
    services: ValueAddedDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
    kind: Annotated[ServiceKind | None, Query()] = None,
) -> Page[ServiceOfferRead]:
    """A community's offers, newest first: its residents and staff."""
    rows, total = await services.offers(who, community_id, kind, paging)
    return Page[ServiceOfferRead].of([offer_read(r) for r in rows], total, paging)


@router.post("/service-offers/{offer_id}/withdraw", response_model=ServiceOfferRead)
async def withdraw(
    offer_id: uuid.UUID, who: CurrentCaller, services: ValueAddedDep
) -> ServiceOfferRead:
    return offer_read(await services.withdraw(who, offer_id))


@router.post("/service-offers/{offer_id}/orders", status_code=201, response_model=ServiceOrderRead)
async def book(
    offer_id: uuid.UUID, body: ServiceOrderCreate, who: CurrentCaller, services: ValueAddedDep
) -> ServiceOrderRead:
    """The elder, a guardian or family whose consent covers the profile books it."""
    return order_read(await services.book(who, offer_id, body.person_id, body.at, body.note))


@router.get("/service-orders", response_model=Page[ServiceOrderRead])
async def orders(
    who: CurrentCaller,
    services: ValueAddedDep,
    paging: Paging,
    status: Annotated[BookingStatus | None, Query()] = None,
) -> Page[ServiceOrderRead]:
    """Staff: their communities' bookings; residents: theirs and their family's."""
    views, total = await services.orders(who, OrderStatus(status) if status else None, paging)
    return Page[ServiceOrderRead].of([order_read(v) for v in views], total, paging)


@router.post("/service-orders/{order_id}/rating", response_model=ServiceOrderRead)
async def rate(
    order_id: uuid.UUID, body: ServiceRatingCreate, who: CurrentCaller, services: ValueAddedDep
) -> ServiceOrderRead:
    """Once, after it is done (409 ``care.order_not_done`` otherwise)."""
    return order_read(await services.rate(who, order_id, body.rating, body.comment))


@router.post("/service-orders/{order_id}/{action}", response_model=ServiceOrderRead)
async def move(
    order_id: uuid.UUID,
    action: Literal["confirm", "done", "cancel"],
    who: CurrentCaller,
    services: ValueAddedDep,
) -> ServiceOrderRead:
    """Staff confirm and mark done; staff, who booked it or the elder cancel."""
    return order_read(await services.move(who, order_id, action))


def price_words(fen: int, unit: str) -> tuple[str, str]:
    zh, en = UNIT_WORDS.get(unit, ("次", "visit"))
    amount = f"¥{fen // 100}.{fen % 100:02d}"
    return f"{amount}/{zh}", f"{amount} per {en}"


def offer_read(r: ServiceOfferRow) -> ServiceOfferRead:
    kind = ServiceKind(r.kind)
    zh, en = price_words(r.price_fen, r.price_unit)
    return ServiceOfferRead(
        id=str(r.id), community_id=r.community_id, kind=kind, kind_zh=SERVICE_NAMES[kind][0],
        kind_en=SERVICE_NAMES[kind][1], provider=r.provider, title=r.title,
        description=r.description, price_fen=r.price_fen, price_zh=zh, price_en=en,
        active=r.active, created_at=r.created_at,
    )  # fmt: skip


def order_read(v: OrderView) -> ServiceOrderRead:
    r, status = v.row, OrderStatus(v.row.status)
    return ServiceOrderRead(
        id=str(r.id), offer=offer_read(v.offer), person_id=r.person_id, person_name=v.person,
        booked_by=r.booked_by, at=r.at, note=r.note, price_fen=r.price_fen,
        status=cast(BookingStatus, status.value),
        status_zh=ORDER_STATUS_WORDS[status][0], status_en=ORDER_STATUS_WORDS[status][1],
        rating=r.rating, comment=r.comment, created_at=r.created_at, updated_at=r.updated_at,
    )  # fmt: skip
