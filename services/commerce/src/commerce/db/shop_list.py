"""The shops list's statements, built once per shape and kept (ADR 0076).

A shape is which parts the caller's scope has (staff grants, the owner, the communities
where they live) and which filters they asked for (flagged, an origin, a radius), not the
values: those are bound. ``Shops.nearby`` built the page, its count and the merchants'
read on every call, and SQLAlchemy keyed each again: ~15 % of commerce's CPU on a page
of shops (py-spy, session 18). The page now reads each shop with its merchant in one
statement (the merchants were a second read).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, and_, bindparam, or_, select

from commerce.db import queries as q
from commerce.db.counts import names_only, union_count
from commerce.db.models import Merchant, Shop
from commerce.domain.merchants import STAFF_ROLES
from sc_contracts.events import MerchantStatus
from sc_core.auth import Principal, ScopeShape, kept_scope_clause, scope_shape

STAFF_COLUMNS: dict[Any, Any] = {"community": Shop.community_id}


@dataclass(frozen=True)
class ShopListShape:
    staff: ScopeShape
    residents: bool = False
    flagged: bool | None = None
    origin: bool = False
    radius: bool = False


def shape_and_values(
    principal: Principal,
    communities: set[str],
    *,
    flagged: bool | None,
    origin: tuple[float, float, float | None] | None,
) -> tuple[ShopListShape, dict[str, Any]]:
    """The caller's shape and the values bound in its statements (``origin``: latitude,
    longitude and radius in metres)."""
    staff, values = scope_shape(principal, "staff", STAFF_COLUMNS, STAFF_ROLES)
    values["owner"] = principal.subject
    if communities:
        values["residents"] = sorted(communities)
    radius = False
    if origin is not None:
        values["lat"], values["lng"] = origin[0], origin[1]
        if origin[2] is not None:
            values["radius"], radius = origin[2], True
    shape = ShopListShape(staff, bool(communities), flagged, origin is not None, radius)
    return shape, values


@functools.lru_cache(maxsize=64)
def statements(shape: ShopListShape) -> tuple[Select[Any], Select[Any]]:
    """The page (rows of a shop and its merchant, by name or nearest first) and its
    bounded count, part by part (:func:`commerce.db.counts.union_count`)."""
    staff = kept_scope_clause(shape.staff, "staff", STAFF_COLUMNS)
    owner = Merchant.owner_id == bindparam("owner")
    parts: list[ColumnElement[bool]] = [] if shape.staff.empty else [staff]
    parts.append(owner)
    if shape.residents:
        residents = Shop.community_id.in_(bindparam("residents", expanding=True))
        parts.append(and_(Merchant.status == MerchantStatus.VERIFIED, residents))
    filters: list[ColumnElement[bool]] = []
    if shape.flagged is not None:
        # only the staff and the owner know a flag; for others the filter is empty
        filters += [
            or_(staff, owner),
            Shop.flag.is_not(None) if shape.flagged else Shop.flag.is_(None),
        ]
    order: tuple[Any, ...] = (Shop.name, Shop.id)
    if shape.origin:
        far = q.distance_sql(bindparam("lat", type_=Float), bindparam("lng", type_=Float), Shop)
        if shape.radius:
            filters.append(far <= bindparam("radius", type_=Float))
        order = (far, Shop.id)
    page = (
        select(Shop, Merchant)
        .join(Merchant, Merchant.id == Shop.merchant_id)
        .where(or_(*parts), *filters)
        .order_by(*order)
    )
    return page, _count(parts, filters)


def _count(parts: list[ColumnElement[bool]], filters: list[ColumnElement[bool]]) -> Select[Any]:
    """The list's bounded count, part by part; a part that names only the shops' columns
    (the staff's, with no filter on the merchant) reads the shops alone: every shop has
    its merchant (a foreign key), so the join adds no row and drops none."""
    selects = []
    for part in parts:
        ids = select(Shop.id).where(part, *filters)
        if not names_only(Shop.__table__, part, *filters):
            ids = ids.join(Merchant, Merchant.id == Shop.merchant_id)
        selects.append(ids)
    return union_count(selects)
