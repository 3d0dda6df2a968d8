"""Reading and projecting the place directory (see :mod:`sc_core.places`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.dialects.postgresql import insert

from sc_contracts.events import (
    GrantChange,
    GrantChangedV1,
    HouseholdChangedV1,
    PersonRegisteredV1,
    Placement,
    ResidencyEndedV1,
    ResidencyStartedV1,
)
from sc_core.auth import Principal, ensure_in_scope, in_scope
from sc_core.auth import scope_clause as auth_scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden
from sc_core.places import defaults
from sc_core.places.tables import NAME_COLUMNS, PlaceTables
from sc_core.places.words import PlaceName

if TYPE_CHECKING:
    from sc_core.bus.consumer import EventConsumer
    from sc_core.service import Runtime

PlacementEvent: TypeAlias = (
    HouseholdChangedV1 | PersonRegisteredV1 | ResidencyStartedV1 | ResidencyEndedV1
)

# The roles identity grants on a household (户主/住户, 家属, 租户).
RESIDENT_ROLES: frozenset[str] = frozenset({"resident", "family", "tenant"})


@dataclass(frozen=True)
class HouseholdPlace:
    """Where one household lives, as identity last said."""

    household_id: str
    community_id: str
    building_id: str
    unit_id: str
    room_id: str
    grid_id: str | None
    status: str


class Places:
    """The directory over one service's tables: read it in use cases, fill it from
    identity's events (:func:`subscribe_places`)."""

    def __init__(self, tables: PlaceTables) -> None:
        self.tables = tables

    # reading ----------------------------------------------------------------------
    async def household(self, uow: UnitOfWork, household_id: str) -> HouseholdPlace | None:
        h = self.tables.households
        row = (await uow.session.execute(select(h).where(h.c.household_id == household_id))).first()
        return _place(row) if row is not None else None

    async def households_in_room(self, uow: UnitOfWork, room_id: str) -> set[str]:
        """The active households living in this room (usually one)."""
        h = self.tables.households
        rows = await uow.session.scalars(
            select(h.c.household_id).where(h.c.room_id == room_id, h.c.status == "active")
        )
        return set(rows)

    async def household_in_room(self, uow: UnitOfWork, room_id: str) -> str | None:
        """The household living in this room (the one placed there last, if several)."""
        h = self.tables.households
        found = await uow.session.scalar(
            select(h.c.household_id)
            .where(h.c.room_id == room_id, h.c.status == "active")
            .order_by(h.c.updated_at.desc())
            .limit(1)
        )
        return str(found) if found is not None else None

    async def grid_of(self, uow: UnitOfWork, building_id: str | None) -> str | None:
        if not building_id:
            return None
        g = self.tables.building_grids
        found = await uow.session.scalar(select(g.c.grid_id).where(g.c.building_id == building_id))
        return str(found) if found is not None else None

    async def name_of(
        self,
        uow: UnitOfWork,
        *,
        community_id: str | None,
        building_id: str | None = None,
        unit_id: str | None = None,
        room_id: str | None = None,
    ) -> PlaceName | None:
        """The names of the finest place given (a room, else a unit, building, community)
        as identity last said them (``names=True``); None when the directory has none.
        Say it with :func:`sc_core.places.words.say`."""
        h = self.tables.households
        if "community_name" not in h.c:
            raise RuntimeError("place_tables(metadata, names=True) holds the names")
        for level, column, value in (
            ("room", h.c.room_id, room_id),
            ("unit", h.c.unit_id, unit_id),
            ("building", h.c.building_id, building_id),
            ("community", h.c.community_id, community_id),
        ):
            if not value:
                continue
            row = (
                await uow.session.execute(
                    select(*(h.c[name] for name, _ in NAME_COLUMNS))
                    .where(column == value, h.c.community_name.is_not(None))
                    .order_by(h.c.updated_at.desc())
                    .limit(1)
                )
            ).first()
            if row is not None:
                return _name(row).down_to(level)
        return None

    # grid scope: a grid worker (网格员) holds a grant on a grid, and acts on the places of
    # the buildings in it ---------------------------------------------------------------
    async def grid_for(
        self,
        uow: UnitOfWork,
        principal: Principal,
        building_id: str | None,
        roles: Iterable[str],
    ) -> str | None:
        """The grid of a building, looked up only for a caller who holds grid grants in
        one of ``roles`` (nobody else needs it)."""
        if building_id and principal.scope_ids("grid", frozenset(roles)):
            return await self.grid_of(uow, building_id)
        return None

    async def ensure_in_scope(
        self,
        uow: UnitOfWork,
        principal: Principal,
        *,
        community_id: str,
        building_id: str | None = None,
        unit_id: str | None = None,
        household_id: str | None = None,
        roles: Iterable[str],
    ) -> None:
        """:func:`sc_core.auth.ensure_in_scope`, where a grant on the building's grid counts
        too; 403 ``auth.out_of_scope`` otherwise."""
        wanted = frozenset(roles)
        ensure_in_scope(
            principal,
            community_id=community_id,
            building_id=building_id,
            unit_id=unit_id,
            household_id=household_id,
            grid_id=await self.grid_for(uow, principal, building_id, wanted),
            roles=wanted,
        )

    # defaults: the community (and a grid worker's grid) a request left out, from the
    # caller's grants when exactly one applies (sc_core.places.defaults) -----------------
    async def default_community(
        self,
        uow: UnitOfWork,
        principal: Principal,
        community_id: str | None,
        *,
        roles: Iterable[str] | None = None,
        field: str = "community_id",
    ) -> str:
        """The named community, or the one the caller's grants lead to; 422
        ``place.required`` / ``place.ambiguous`` naming ``field`` otherwise."""
        return await defaults.default_community(
            self, uow, principal, community_id, roles=roles, field=field
        )

    async def default_grid(
        self,
        uow: UnitOfWork,
        principal: Principal,
        *,
        grid_id: str | None,
        building_id: str | None,
        roles: Iterable[str],
    ) -> str | None:
        """The named grid, or a grid worker's: the building's, or the one they hold."""
        return await defaults.default_grid(
            self, uow, principal, grid_id=grid_id, building_id=building_id, roles=roles
        )

    # households: a resident holds grants on their household, not on its community; the
    # directory says which community that is --------------------------------------------
    async def home_communities(
        self, uow: UnitOfWork, principal: Principal, roles: Iterable[str] = RESIDENT_ROLES
    ) -> frozenset[str]:
        """The communities the caller's households live in (their household grants of
        ``roles``, placements still active)."""
        ids = principal.scope_ids("household", frozenset(roles))
        if not ids:
            return frozenset()
        h = self.tables.households
        rows = await uow.session.scalars(
            select(h.c.community_id).where(
                h.c.household_id.in_(sorted(ids)), h.c.status == "active"
            )
        )
        return frozenset(rows)

    async def ensure_readable(
        self,
        uow: UnitOfWork,
        principal: Principal,
        *,
        community_id: str,
        roles: Iterable[str] | None = None,
        shared_with: Iterable[str] = RESIDENT_ROLES,
    ) -> None:
        """Read access to a resource the community shares with its residents (car parks
        and their free spaces, tariffs, a notice board): what :func:`ensure_in_scope`
        allows (a grant of ``roles`` on the community, or platform-wide), or a household
        grant of ``shared_with`` on a household living in that community. A route declares
        a resource shared by calling this instead of ``ensure_in_scope``; writes never do.
        403 ``auth.out_of_scope`` otherwise."""
        wanted = None if roles is None else frozenset(roles)
        if in_scope(principal, community_id=community_id, roles=wanted):
            return
        if community_id in await self.home_communities(uow, principal, shared_with):
            return
        raise Forbidden(
            "auth.out_of_scope",
            "The object is outside the places you may act on",
            zh="该对象不在您负责的范围内",
        )

    async def ensure_household_in(
        self,
        uow: UnitOfWork,
        principal: Principal,
        *,
        community_id: str,
        household_id: str,
        roles: Iterable[str] | None = None,
    ) -> None:
        """Acting for a household of a community (register its car, grant its visitor a
        pass): staff with a grant on the community (``roles``), or a holder of a grant on
        that household (any role), which the directory places in that community (a household grant
        alone would let its holder name any community). 403 ``auth.out_of_scope``."""
        wanted = None if roles is None else frozenset(roles)
        if in_scope(principal, community_id=community_id, roles=wanted):
            return
        if household_id in principal.household_ids:
            place = await self.household(uow, household_id)
            if (
                place is not None
                and place.status == "active"
                and (place.community_id == community_id)
            ):
                return
        raise Forbidden(
            "auth.out_of_scope",
            "The object is outside the places you may act on",
            zh="该对象不在您负责的范围内",
        )

    def in_grids(
        self, principal: Principal, building_col: Any, roles: Iterable[str]
    ) -> ColumnElement[bool]:
        """Rows in the buildings of the caller's grids (false when they hold no grid grant)."""
        grids = principal.scope_ids("grid", frozenset(roles))
        if not grids:
            return false()
        g = self.tables.building_grids
        return building_col.in_(select(g.c.building_id).where(g.c.grid_id.in_(sorted(grids))))

    def scope_clause(
        self,
        principal: Principal,
        *,
        community_col: Any,
        building_col: Any,
        unit_col: Any = None,
        household_col: Any = None,
        roles: Iterable[str],
    ) -> ColumnElement[bool]:
        """:func:`sc_core.auth.scope_clause` for rows that carry no grid id, with the
        buildings of the caller's grids added."""
        wanted = frozenset(roles)
        return or_(
            auth_scope_clause(
                principal,
                community_col=community_col,
                building_col=building_col,
                unit_col=unit_col,
                household_col=household_col,
                roles=wanted,
            ),
            self.in_grids(principal, building_col, wanted),
        )

    # who holds a role inside a place ----------------------------------------------
    def holders_within(self, role: str, scope_type: str, scope_id: str) -> ColumnElement[bool]:
        """Grants (``grant_projection`` rows) of ``role`` on the place ``scope_type`` /
        ``scope_id`` or on any place inside it: a community holds its grids, buildings,
        units and households; a grid its buildings and their units and households; a
        building its units and households; a unit its households. "Every resident of the
        community" is everyone holding ``resident`` on a household there.

        The grant's own ``community_id`` places it in a community; the finer levels are
        the household directory's (``household_places``, ``building_grids``)."""
        grants = self.tables.grants
        if grants is None:
            raise RuntimeError("place_tables(metadata, grants=True) holds the grants")
        g, h, bg = grants.c, self.tables.households.c, self.tables.building_grids.c
        same = and_(g.role == role, g.scope_type == scope_type, g.scope_id == scope_id)
        if scope_type == "community":
            return and_(g.role == role, or_(same, g.community_id == scope_id))
        column = {"grid": h.grid_id, "building": h.building_id, "unit": h.unit_id}.get(scope_type)
        if column is None:  # a household (or a place with nothing inside it)
            return same
        active = and_(column == scope_id, h.status == "active")
        inside = [
            and_(g.scope_type == "household", g.scope_id.in_(select(h.household_id).where(active)))
        ]
        if scope_type in ("grid", "building"):
            inside.append(
                and_(g.scope_type == "unit", g.scope_id.in_(select(h.unit_id).where(active)))
            )
        if scope_type == "grid":
            inside.append(
                and_(
                    g.scope_type == "building",
                    g.scope_id.in_(select(bg.building_id).where(bg.grid_id == scope_id)),
                )
            )
        return or_(same, and_(g.role == role, or_(*inside)))

    async def serves(
        self,
        uow: UnitOfWork,
        account_id: str,
        *,
        community_id: str,
        building_id: str | None = None,
        unit_id: str | None = None,
        roles: Iterable[str],
    ) -> bool:
        """Whether ``account_id`` holds one of ``roles`` over this place: on the platform,
        the community, the building's grid, the building or the unit (identity's grants,
        ``grant_projection``). The check before a person is named to handle something
        there (an alarm's assignee): any string, a resident or staff of another place is
        not one (issue 30)."""
        grants = self.tables.grants
        if grants is None:
            raise RuntimeError("place_tables(metadata, grants=True) holds the grants")
        g, bg = grants.c, self.tables.building_grids.c
        places = [
            g.scope_type == "platform",
            and_(g.scope_type == "community", g.scope_id == community_id),
        ]
        if building_id:
            places.append(and_(g.scope_type == "building", g.scope_id == building_id))
            places.append(
                and_(
                    g.scope_type == "grid",
                    g.scope_id.in_(select(bg.grid_id).where(bg.building_id == building_id)),
                )
            )
        if unit_id:
            places.append(and_(g.scope_type == "unit", g.scope_id == unit_id))
        found = await uow.session.scalar(
            select(g.grant_id)
            .where(g.account_id == account_id, g.role.in_(sorted(frozenset(roles))), or_(*places))
            .limit(1)
        )
        return found is not None

    # projecting -------------------------------------------------------------------
    async def place_household(
        self, uow: UnitOfWork, household_id: str, p: Placement, status: str = "active"
    ) -> None:
        """Where ``household_id`` lives now, and the grid of its building when known."""
        now = datetime.now(UTC)
        values = {
            "community_id": p.community_id,
            "building_id": p.building_id,
            "unit_id": p.unit_id,
            "room_id": p.room_id,
            "grid_id": p.grid_id,
            "status": status,
            "updated_at": now,
        }
        h = self.tables.households
        if "community_name" in h.c and p.community_name:  # an older event keeps what is known
            values.update({name: getattr(p, name) for name, _ in NAME_COLUMNS})
        if "building_lat" in h.c and (p.building_lat is not None or p.community_division_code):
            values.update(
                building_lat=p.building_lat,
                building_lng=p.building_lng,
                division_code=p.community_division_code,
            )
        await uow.session.execute(
            insert(h)
            .values(household_id=household_id, **values)
            .on_conflict_do_update(index_elements=[h.c.household_id], set_=values)
        )
        if p.grid_id:
            g = self.tables.building_grids
            grid = {"community_id": p.community_id, "grid_id": p.grid_id, "updated_at": now}
            await uow.session.execute(
                insert(g)
                .values(building_id=p.building_id, **grid)
                .on_conflict_do_update(index_elements=[g.c.building_id], set_=grid)
            )

    async def record_grant(self, uow: UnitOfWork, data: GrantChangedV1) -> None:
        """Who holds which role over which place (revoked grants are removed)."""
        grants = self.tables.grants
        if grants is None:
            raise RuntimeError("place_tables(metadata, grants=True) holds the grants")
        if data.change == GrantChange.REVOKED:
            await uow.session.execute(grants.delete().where(grants.c.grant_id == data.grant_id))
            return
        values = {
            "account_id": data.account_id,
            "role": data.role,
            "scope_type": data.scope_type,
            "scope_id": data.scope_id,
            "community_id": data.community_id,
            "changed_at": data.changed_at,
        }
        await uow.session.execute(
            insert(grants)
            .values(grant_id=data.grant_id, **values)
            .on_conflict_do_update(index_elements=[grants.c.grant_id], set_=values)
        )

    # handlers (identity.events.v1) ----------------------------------------------------
    async def on_placement(self, event: PlacementEvent, uow: UnitOfWork) -> None:
        """Every event that carries a household's placement."""
        status = event.status if isinstance(event, HouseholdChangedV1) else "active"
        await self.place_household(uow, event.household_id, event.placement, status)

    async def on_grant(self, event: GrantChangedV1, uow: UnitOfWork) -> None:
        await self.record_grant(uow, event)


def subscribe_places(runtime: Runtime, places: Places, *, name: str = "places") -> EventConsumer:
    """One consumer of ``identity.events.v1`` keeping the directory (the grants too when
    the tables hold them). A service that had its own projection passes the name of its
    old consumer, so its consumer group carries on where it was."""
    consumer = runtime.consumer(name=name)
    consumer.on(HouseholdChangedV1)(places.on_placement)
    consumer.on(PersonRegisteredV1)(places.on_placement)
    consumer.on(ResidencyStartedV1)(places.on_placement)
    consumer.on(ResidencyEndedV1)(places.on_placement)
    if places.tables.grants is not None:
        consumer.on(GrantChangedV1)(places.on_grant)
    return consumer


def _name(row: Any) -> PlaceName:
    return PlaceName(
        community=row.community_name,
        community_en=row.community_name_en,
        building=row.building_name,
        building_en=row.building_name_en,
        unit=row.unit_name,
        unit_en=row.unit_name_en,
        room=row.room_number,
    )


def _place(row: Any) -> HouseholdPlace:
    return HouseholdPlace(
        row.household_id,
        row.community_id,
        row.building_id,
        row.unit_id,
        row.room_id,
        row.grid_id,
        row.status,
    )
