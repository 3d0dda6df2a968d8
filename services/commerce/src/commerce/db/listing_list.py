"""The listings list's statements, built once per shape and kept (ADR 0076), as the
shops list's (:mod:`commerce.db.shop_list`).

A shape is which parts the caller's scope has (staff grants, their own households, the
communities where they live) and which filters they asked for (their own only, a kind, a
status); the ids and the filters' values are bound.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, or_, select

from commerce.db.models import Listing
from commerce.domain.merchants import STAFF_ROLES
from sc_contracts.events import ListingStatus
from sc_core.auth import Principal, ScopeShape, kept_scope_clause, scope_shape

STAFF_COLUMNS: dict[Any, Any] = {"community": Listing.community_id}


@dataclass(frozen=True)
class ListingListShape:
    staff: ScopeShape
    households: bool = False
    residents: bool = False
    kind: bool = False
    status: bool = False


def shape_and_values(
    principal: Principal,
    households: set[str],
    communities: set[str],
    *,
    mine: bool,
    kind: str | None,
    status: str | None,
) -> tuple[ListingListShape, dict[str, Any]]:
    """The caller's shape and the values bound in its statement. ``mine``: only their
    households' listings (``communities`` is then not read)."""
    if mine:
        staff, values = ScopeShape(), {}
    else:
        staff, values = scope_shape(principal, "staff", STAFF_COLUMNS, STAFF_ROLES)
    if households:
        values["households"] = sorted(households)
    if communities and not mine:
        values["residents"] = sorted(communities)
    if kind is not None:
        values["kind"] = kind
    if status is not None:
        values["status"] = status
    shape = ListingListShape(
        staff,
        households=bool(households),
        residents=bool(communities) and not mine,
        kind=kind is not None,
        status=status is not None,
    )
    return shape, values


@functools.cache
def statement(shape: ListingListShape) -> Select[Any]:
    """Staff: their community's listings; a household: its own; residents: the published
    ones of their community. Newest first."""
    parts: list[ColumnElement[bool]] = []
    if not shape.staff.empty:
        parts.append(kept_scope_clause(shape.staff, "staff", STAFF_COLUMNS))
    if shape.households:
        parts.append(Listing.household_id.in_(bindparam("households", expanding=True)))
    if shape.residents:
        published = Listing.status == ListingStatus.PUBLISHED
        parts.append(
            and_(published, Listing.community_id.in_(bindparam("residents", expanding=True)))
        )
    query = select(Listing).where(or_(*parts) if parts else false())
    if shape.kind:
        query = query.where(Listing.kind == bindparam("kind"))
    if shape.status:
        query = query.where(Listing.status == bindparam("status"))
    return query.order_by(Listing.created_at.desc(), Listing.id.desc())
