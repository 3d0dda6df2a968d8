"""The caller's places, resolved once per request: grants plus what grids contain.

``sc_core.auth.scope_clause`` and ``in_scope`` do the work for community, building, unit
and household grants. A grid grant covers the buildings of that grid (and, for reading,
the grid's community record), which only the register knows: it is resolved here into
building ids and OR-ed in.

The sensitivity grade is per object: the roles whose grants cover the object decide it,
so a resident of one place who is a grid worker elsewhere does not see ID numbers of her
neighbours unmasked.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, bindparam, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db.register import Building, Grid
from sc_core.auth import Principal, in_scope, kept_scope_clause, scope_clause, scope_shape
from sc_core.auth import ScopeShape as GrantedShape
from sc_core.errors import Forbidden
from sc_core.privacy import Grade, grade_for


@dataclass(frozen=True)
class Places:
    """Where an object is; any may be None."""

    community_id: Any = None
    building_id: Any = None
    unit_id: Any = None
    household_id: Any = None
    grid_id: Any = None

    def ids(self) -> dict[str, Any]:
        return {
            "community_id": self.community_id,
            "building_id": self.building_id,
            "unit_id": self.unit_id,
            "household_id": self.household_id,
            "grid_id": self.grid_id,
        }


@dataclass(frozen=True)
class ScopeShape:
    """Which parts a caller's scope clause has, not their values: a statement built for a
    shape is kept and run with each caller's ids as bound lists (:func:`kept_clause`)."""

    platform_wide: bool = False
    types: tuple[str, ...] = ()  # the place types granted (sc_core.auth.scope_shape's)
    grid_buildings: bool = False


@dataclass(frozen=True)
class Scope:
    principal: Principal
    roles: frozenset[str]
    grid_buildings: dict[str, frozenset[uuid.UUID]] = field(default_factory=dict)
    grid_communities: dict[str, uuid.UUID] = field(default_factory=dict)

    # grids -------------------------------------------------------------------------
    def _grid_ids(self, roles: Iterable[str] | None) -> frozenset[str]:
        return self.principal.scope_ids("grid", self.roles if roles is None else roles)

    def buildings_of_grids(self, roles: Iterable[str] | None = None) -> frozenset[uuid.UUID]:
        out: set[uuid.UUID] = set()
        for grid_id in self._grid_ids(roles):
            out |= self.grid_buildings.get(grid_id, frozenset())
        return frozenset(out)

    def communities_of_grids(self, roles: Iterable[str] | None = None) -> frozenset[uuid.UUID]:
        ids = self._grid_ids(roles)
        return frozenset(c for g, c in self.grid_communities.items() if g in ids)

    # lists -------------------------------------------------------------------------
    def clause(
        self,
        *,
        community_col: Any = None,
        grid_col: Any = None,
        building_col: Any = None,
        unit_col: Any = None,
        household_col: Any = None,
        grid_community_col: Any = None,
        roles: Iterable[str] | None = None,
    ) -> ColumnElement[bool]:
        """WHERE clause limiting rows to the caller's places (for ``roles``)."""
        wanted = self.roles if roles is None else frozenset(roles)
        parts = [
            scope_clause(
                self.principal,
                community_col=community_col,
                grid_col=grid_col,
                building_col=building_col,
                unit_col=unit_col,
                household_col=household_col,
                roles=wanted,
            )
        ]
        if building_col is not None and (buildings := self.buildings_of_grids(wanted)):
            parts.append(building_col.in_(buildings))
        if grid_community_col is not None and (communities := self.communities_of_grids(wanted)):
            parts.append(grid_community_col.in_(communities))
        return or_(*parts) if len(parts) > 1 else parts[0] if parts else false()

    def shape(
        self, prefix: str, columns: dict[str, Any], roles: Iterable[str] | None = None
    ) -> tuple[ScopeShape, dict[str, list[Any]]]:
        """:meth:`clause`'s shape for ``columns`` (place type -> column; a grid is its
        buildings) and the bound values that go with it, named ``prefix_type``
        (``prefix_grid_buildings`` for the buildings of granted grids); the clause itself
        is :func:`kept_clause`'s, built once per shape."""
        wanted = self.roles if roles is None else frozenset(roles)
        granted, values = scope_shape(self.principal, prefix, columns, wanted)
        if granted.platform_wide:
            return ScopeShape(platform_wide=True), {}
        buildings = self.buildings_of_grids(wanted) if "building" in columns else frozenset()
        if buildings:
            values[f"{prefix}_grid_buildings"] = sorted(buildings)
        return ScopeShape(False, granted.types, bool(buildings)), values

    # single objects ----------------------------------------------------------------
    def covers(self, places: Places, roles: Iterable[str] | None = None) -> bool:
        wanted = self.roles if roles is None else frozenset(roles)
        if in_scope(self.principal, **places.ids(), roles=wanted):
            return True
        building = places.building_id
        return building is not None and _uuid(building) in self.buildings_of_grids(wanted)

    def ensure(self, places: Places, roles: Iterable[str] | None = None) -> None:
        """403 ``auth.out_of_scope`` unless the object is within the caller's places."""
        if not self.covers(places, roles):
            raise Forbidden(
                "auth.out_of_scope",
                "The object is outside the places you may act on",
                zh="该对象不在您负责的范围内",
            )

    def covering_roles(self, places: Iterable[Places]) -> frozenset[str]:
        """Roles (any, not only this endpoint's) whose grants cover one of ``places``."""
        found: set[str] = set()
        places = list(places)
        for role in self.principal.roles:
            if any(self.covers(p, roles=[role]) for p in places):
                found.add(role)
        return frozenset(found)

    def grade(self, places: Iterable[Places]) -> Grade:
        """The grade the caller may see unmasked on an object at ``places``."""
        return grade_for(self.covering_roles(places))


def kept_clause(shape: ScopeShape, prefix: str, columns: dict[str, Any]) -> ColumnElement[bool]:
    """:meth:`Scope.clause` of one shape with its ids as bound (expanding) parameters named
    as :meth:`Scope.shape` names them: ``sc_core.auth.kept_scope_clause`` and the buildings
    of the caller's grids (ADRs 0074 and 0076)."""
    if shape.platform_wide:
        return true()
    granted = kept_scope_clause(GrantedShape(False, shape.types), prefix, columns)
    if not shape.grid_buildings:
        return granted
    grids = columns["building"].in_(bindparam(f"{prefix}_grid_buildings", expanding=True))
    return or_(granted, grids) if shape.types else grids


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


async def load_scope(session: AsyncSession, principal: Principal, roles: Iterable[str]) -> Scope:
    grid_ids = [g for g in (_uuid(i) for i in principal.scope_ids("grid")) if g is not None]
    buildings: dict[str, set[uuid.UUID]] = {}
    communities: dict[str, uuid.UUID] = {}
    if grid_ids:
        rows = await session.execute(
            select(Building.id, Building.grid_id).where(Building.grid_id.in_(grid_ids))
        )
        for building_id, grid_id in rows:
            buildings.setdefault(str(grid_id), set()).add(building_id)
        grids = await session.execute(
            select(Grid.id, Grid.community_id).where(Grid.id.in_(grid_ids))
        )
        communities = {str(g): c for g, c in grids}
    return Scope(
        principal,
        frozenset(roles),
        {g: frozenset(b) for g, b in buildings.items()},
        communities,
    )
