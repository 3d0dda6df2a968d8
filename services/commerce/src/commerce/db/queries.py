"""The queries the use cases need (functions take the unit of work and never commit)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select

from commerce.db.models import Booking, CreditRedemption, DropOff, Merchant, ServicePoint
from commerce.domain.merchants import RESIDENT_ROLES, STAFF_ROLES
from commerce.domain.points import EARTH_RADIUS_M
from sc_contracts.events import MerchantStatus
from sc_core.auth import Principal, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places


async def resident_communities(uow: UnitOfWork, places: Places, principal: Principal) -> set[str]:
    """The communities of the caller's households (identity's placements)."""
    found: set[str] = set()
    for household in sorted(principal.scope_ids("household", RESIDENT_ROLES)):
        place = await places.household(uow, household)
        if place is not None:
            found.add(place.community_id)
    return found


def staff_scope(principal: Principal, community_col: Any) -> ColumnElement[bool]:
    return scope_clause(principal, community_col=community_col, roles=STAFF_ROLES)


def in_communities(column: Any, communities: Iterable[str]) -> ColumnElement[bool]:
    ids = sorted(communities)
    return column.in_(ids) if ids else false()


# merchants -----------------------------------------------------------------------------
def merchants_visible(principal: Principal, communities: set[str]) -> ColumnElement[bool]:
    """Staff: their community's merchants; a merchant: their own; residents: the verified
    merchants of their community."""
    return or_(*merchant_scope(principal, communities))


def merchant_scope(principal: Principal, communities: set[str]) -> list[ColumnElement[bool]]:
    """The parts of :func:`merchants_visible` (each walks its own index, for the count)."""
    return [
        staff_scope(principal, Merchant.community_id),
        Merchant.owner_id == principal.subject,
        and_(
            Merchant.status == MerchantStatus.VERIFIED,
            in_communities(Merchant.community_id, communities),
        ),
    ]


async def merchant_by_code(uow: UnitOfWork, community_id: str, code: str) -> Merchant | None:
    return await uow.session.scalar(
        select(Merchant).where(Merchant.community_id == community_id, Merchant.credit_code == code)
    )


async def merchant(
    uow: UnitOfWork, merchant_id: uuid.UUID, *, lock: bool = False
) -> Merchant | None:
    query = select(Merchant).where(Merchant.id == merchant_id)
    return await uow.session.scalar(query.with_for_update() if lock else query)


# service points ------------------------------------------------------------------------
def distance_sql(lat: float, lng: float, table: Any = ServicePoint) -> ColumnElement[float]:
    """Haversine in SQL (metres) to ``table``'s latitude and longitude, as
    :func:`commerce.domain.points.distance_m`."""
    p1, p2 = func.radians(lat), func.radians(table.latitude)
    dp = p2 - p1
    dl = func.radians(table.longitude) - func.radians(lng)
    a = func.power(func.sin(dp / 2), 2) + func.cos(p1) * func.cos(p2) * func.power(
        func.sin(dl / 2), 2
    )
    return 2 * EARTH_RADIUS_M * func.asin(func.least(1.0, func.sqrt(a)))


def points_visible(principal: Principal, communities: set[str]) -> ColumnElement[bool]:
    return or_(
        staff_scope(principal, ServicePoint.community_id),
        in_communities(ServicePoint.community_id, communities),
    )


async def point(uow: UnitOfWork, point_id: uuid.UUID) -> ServicePoint | None:
    return await uow.session.get(ServicePoint, point_id)


# bookings and drop-offs ----------------------------------------------------------------
def bookings_visible(principal: Principal) -> ColumnElement[bool]:
    households = sorted(principal.scope_ids("household", RESIDENT_ROLES))
    mine = Booking.household_id.in_(households) if households else false()
    return or_(staff_scope(principal, Booking.community_id), mine)


async def spent(uow: UnitOfWork, household_id: str) -> int:
    """Credits a household has spent so far."""
    found = await uow.session.scalar(
        select(func.coalesce(func.sum(CreditRedemption.credits), 0)).where(
            CreditRedemption.household_id == household_id
        )
    )
    return int(found or 0)


async def balance(uow: UnitOfWork, household_id: str) -> tuple[int, int, int]:
    """(credits earned, grams, drop-offs) of a household so far."""
    row = (
        await uow.session.execute(
            select(
                func.coalesce(func.sum(DropOff.credits), 0),
                func.coalesce(func.sum(DropOff.weight_g), 0),
                func.count(DropOff.id),
            ).where(DropOff.household_id == household_id)
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])
