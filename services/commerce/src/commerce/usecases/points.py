"""Service points (6.4 a): staff place repair stations, recycling points and agencies on
the map; residents list those of their community nearest first and book a service. A
booking is recorded and published (``commerce.bookings.v1``) for work-orders to open a
maintenance case from; the booking then follows that case (:mod:`.bookings`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from commerce.api.schemas.points import BookingCreate, ServicePointCreate
from commerce.db import queries as q
from commerce.db.models import Booking, Merchant, RecyclingBin, ServicePoint
from commerce.domain.merchants import RESIDENT_ROLES, STAFF_ROLES
from commerce.domain.points import BOOKABLE, distance_m
from commerce.domain.text import problem
from commerce.usecases.bins import bins_of
from sc_contracts.events import MerchantStatus, ServiceBookingRequestedV1, ServicePointKind
from sc_core.auth import Caller, in_scope
from sc_core.db.engine import Database
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places


@dataclass(frozen=True)
class Near:
    point: ServicePoint
    distance_m: float | None
    bins: list[RecyclingBin] = field(default_factory=list)


@dataclass(frozen=True)
class Origin:
    latitude: float
    longitude: float
    radius_m: float | None


class ServicePoints:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    async def create(self, who: Caller, body: ServicePointCreate) -> ServicePoint:
        if not in_scope(who.principal, community_id=body.community_id, roles=STAFF_ROLES):
            raise problem("commerce.not_point_staff")
        async with self.db.uow() as uow:
            if body.merchant_id is not None:
                m = await uow.session.get(Merchant, body.merchant_id)
                if (
                    m is None
                    or m.community_id != body.community_id
                    or m.status != MerchantStatus.VERIFIED
                ):
                    raise problem("commerce.point_merchant_unknown")
            p = ServicePoint(
                id=uuid.uuid4(),
                community_id=body.community_id,
                kind=body.kind,
                name=" ".join(body.name.split()),
                address=body.address.strip(),
                latitude=body.latitude,
                longitude=body.longitude,
                services=[" ".join(s.split()) for s in body.services],
                merchant_id=body.merchant_id,
                created_by=who.subject,
                created_at=datetime.now(UTC),
            )
            uow.session.add(p)
            await uow.session.flush()
            await uow.audit(
                who,
                "commerce.service_point.create",
                "service_point",
                str(p.id),
                community_id=p.community_id,
                detail={"kind": p.kind},
            )
            await uow.commit()
            return p

    async def nearby(
        self,
        who: Caller,
        paging: PageParams,
        *,
        origin: Origin | None,
        kind: ServicePointKind | None,
    ) -> tuple[list[Near], PageTotal]:
        """The service points of the caller's communities, nearest first from ``origin``
        (by name without one)."""
        async with self.db.uow(read_only=True) as uow:
            communities = await q.resident_communities(uow, self.places, who.principal)
            query = select(ServicePoint).where(q.points_visible(who.principal, communities))
            if kind is not None:
                query = query.where(ServicePoint.kind == kind)
            if origin is None:
                query = query.order_by(ServicePoint.name, ServicePoint.id)
            else:
                far = q.distance_sql(origin.latitude, origin.longitude)
                if origin.radius_m is not None:
                    query = query.where(far <= origin.radius_m)
                query = query.order_by(far, ServicePoint.id)
            rows, total = await fetch_page(uow.session, query, paging)
            bins = await bins_of(uow, [p.id for p in rows])
            return [
                Near(
                    p,
                    None
                    if origin is None
                    else distance_m(origin.latitude, origin.longitude, p.latitude, p.longitude),
                    bins[p.id],
                )
                for p in rows
            ], total

    async def get(self, who: Caller, point_id: uuid.UUID) -> Near:
        async with self.db.uow(read_only=True) as uow:
            communities = await q.resident_communities(uow, self.places, who.principal)
            p = await uow.session.scalar(
                select(ServicePoint).where(
                    ServicePoint.id == point_id, q.points_visible(who.principal, communities)
                )
            )
            if p is None:
                raise problem("commerce.point_not_found")
            return Near(p, None, (await bins_of(uow, [p.id]))[p.id])

    async def book(self, who: Caller, point_id: uuid.UUID, body: BookingCreate) -> Booking:
        households = who.principal.scope_ids("household", RESIDENT_ROLES)
        household = body.household_id
        if household is None and len(households) == 1:
            [household] = households
        if household is None or household not in households:
            raise problem("commerce.household_required")
        async with self.db.uow() as uow:
            p = await q.point(uow, point_id)
            place = await self.places.household(uow, household)
            if p is None:
                raise problem("commerce.point_not_found")
            if place is None:
                raise problem("commerce.household_unknown")
            if place.community_id != p.community_id:
                raise problem("commerce.point_out_of_reach")
            if p.kind not in BOOKABLE:
                raise problem("commerce.not_bookable")
            now = datetime.now(UTC)
            b = Booking(
                id=uuid.uuid4(),
                service_point_id=p.id,
                community_id=p.community_id,
                building_id=place.building_id,
                household_id=household,
                service=body.service.strip(),
                preferred_at=body.preferred_at,
                status="requested",
                requested_by=who.subject,
                created_at=now,
            )
            uow.session.add(b)
            await uow.session.flush()
            await uow.publish(
                ServiceBookingRequestedV1(
                    booking_id=str(b.id),
                    service_point_id=str(p.id),
                    point_kind=ServicePointKind(p.kind),
                    point_name=p.name,
                    merchant_id=str(p.merchant_id) if p.merchant_id else None,
                    community_id=b.community_id,
                    building_id=b.building_id,
                    household_id=household,
                    service=b.service,
                    preferred_at=b.preferred_at,
                    requested_by=who.subject,
                    requested_at=now,
                ),
                key=str(b.id),
            )
            await uow.audit(
                who,
                "commerce.booking.create",
                "booking",
                str(b.id),
                community_id=b.community_id,
                detail={"service_point_id": str(p.id)},
            )
            await uow.commit()
            return b

    async def bookings(self, who: Caller, paging: PageParams) -> tuple[list[Booking], PageTotal]:
        """The caller's households' bookings, or their community's for staff."""
        async with self.db.uow(read_only=True) as uow:
            query = (
                select(Booking)
                .where(q.bookings_visible(who.principal))
                .order_by(Booking.created_at.desc(), Booking.id.desc())
            )
            return await fetch_page(uow.session, query, paging)
