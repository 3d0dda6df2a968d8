"""Place checks that need identity's placements (the shared place directory,
``DIRECTORY``): a grant on a building's grid (网格员) counts like a grant on the building."""

from __future__ import annotations

from typing import Any

from alarm.db.models import DIRECTORY
from alarm.domain.access import STAFF, ensure_place
from alarm.usecases.records import PlaceCheck
from sc_core.auth import Principal, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork


async def ensure_place_in_grid(
    uow: UnitOfWork,
    principal: Principal,
    community_id: str,
    building_id: str | None,
    *,
    allowed: frozenset[str],
) -> None:
    """:func:`~alarm.domain.access.ensure_place`, where a grant on the building's grid
    (网格员) also counts: the grid comes from identity's placements (``building_grids``)."""
    grid_id = await grid_for(uow, principal, building_id, allowed)
    ensure_place(principal, community_id, building_id, allowed=allowed, grid_id=grid_id)


async def grid_for(
    uow: UnitOfWork, principal: Principal, building_id: str | None, roles: frozenset[str]
) -> str | None:
    """The grid of a building (identity's placements), looked up only for a caller who
    holds grid grants in one of ``roles`` (nobody else needs it)."""
    return await DIRECTORY.grid_for(uow, principal, building_id, roles)


def grid_scope(principal: Principal, building_col: Any, roles: frozenset[str]) -> Any:
    """Rows in the buildings of the caller's grids (false when they hold no grid grant);
    OR it with :func:`~sc_core.auth.scope_clause`."""
    return DIRECTORY.in_grids(principal, building_col, roles)


def writer_on(allowed: frozenset[str]) -> PlaceCheck:
    """The place check of a writer among ``allowed`` (no grid lookup)."""

    async def check(
        uow: UnitOfWork, principal: Principal, community: str, building: str | None
    ) -> None:
        ensure_place(principal, community, allowed=allowed)

    return check


def writer_in_grid(allowed: frozenset[str]) -> PlaceCheck:
    """The place check of a writer among ``allowed`` on the record's building or its grid."""

    async def check(
        uow: UnitOfWork, principal: Principal, community: str, building: str | None
    ) -> None:
        await ensure_place_in_grid(uow, principal, community, building, allowed=allowed)

    return check


def staff_scope(principal: Principal, column: Any) -> Any:
    """Rows of the communities where the caller is staff."""
    return scope_clause(principal, community_col=column, roles=STAFF)


async def public_scope(
    db: Database, principal: Principal, column: Any, community_id: str | None
) -> Any:
    """Shelters, supplies and warnings are for everyone in the community: staff see their
    places; anyone else reads a community by name or, naming none, the one they live in
    (422 ``place.required`` / ``place.ambiguous`` naming ``community_id`` when not one)."""
    if principal.has_role(*STAFF):
        clause = staff_scope(principal, column)
        return clause if community_id is None else clause & (column == community_id)
    if community_id is None:
        async with db.uow(read_only=True) as uow:
            community_id = await DIRECTORY.default_community(uow, principal, None)
    return column == community_id
