"""Who a notice is for, in the place directory's terms: the places a caller belongs to (to
find the notices addressed to them), and the holders of the notice's roles inside its places
(to count who has read it and list who has not)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.dialects.postgresql import array

from gov_affairs.db.models import NoticePlaceRow, NoticeReadRow, NoticeRow
from gov_affairs.domain import notices as d
from sc_core.auth import Principal
from sc_core.db.uow import UnitOfWork
from sc_core.places import Places


async def viewer_places(uow: UnitOfWork, places: Places, p: Principal) -> set[tuple[str, str]]:
    """Every place the caller belongs to: their households' community, grid, building and
    unit (as the directory says), and the places of their other grants with the community
    (and grid) those lie in."""
    h, bg = places.tables.households.c, places.tables.building_grids.c
    found: set[tuple[str, str]] = set()
    households = sorted(p.scope_ids("household"))
    if households:
        rows = await uow.session.execute(
            select(h.community_id, h.grid_id, h.building_id, h.unit_id).where(
                h.household_id.in_(households), h.status == "active"
            )
        )
        for community, grid, building, unit in rows:
            found |= {("community", community), ("building", building), ("unit", unit)}
            if grid:
                found.add(("grid", grid))
    for kind in ("community", "grid", "building", "unit"):
        found |= {(kind, i) for i in p.scope_ids(kind)}
    buildings, grids = sorted(p.scope_ids("building")), sorted(p.scope_ids("grid"))
    units = sorted(p.scope_ids("unit"))
    if buildings:  # a building lies in a grid and a community
        rows = await uow.session.execute(
            select(bg.community_id, bg.grid_id).where(bg.building_id.in_(buildings))
        )
        for community, grid in rows:
            found |= {("community", community), ("grid", grid)}
    if grids:
        found |= {
            ("community", c)
            for c in await uow.session.scalars(
                select(bg.community_id).where(bg.grid_id.in_(grids)).distinct()
            )
        }
    if buildings or units:  # a unit lies in a building; both in a community
        rows = await uow.session.execute(
            select(h.community_id, h.building_id, h.unit_id)
            .where(or_(h.building_id.in_(buildings), h.unit_id.in_(units)))
            .distinct()
        )
        for community, building, unit in rows:
            found.add(("community", community))
            if unit in units:
                found.add(("building", building))
    return found


def board_clause(
    places: set[tuple[str, str]], roles: frozenset[str], now: object
) -> ColumnElement[bool]:
    """Published, not expired, addressed to one of ``places`` and one of ``roles`` (a notice
    naming no roles is for the resident side)."""
    if not places:
        return false()
    at = select(NoticePlaceRow.notice_id).where(
        or_(
            *(
                and_(NoticePlaceRow.place_type == kind, NoticePlaceRow.place_id == pid)
                for kind, pid in sorted(places)
            )
        )
    )
    role_match = [NoticeRow.roles.has_any(array(sorted(roles)))] if roles else []
    if roles & d.RESIDENT_SIDE:
        role_match.append(func.jsonb_array_length(NoticeRow.roles) == 0)
    if not role_match:
        return false()
    return and_(
        NoticeRow.status == "published",
        or_(NoticeRow.expires_at.is_(None), NoticeRow.expires_at > now),
        NoticeRow.id.in_(at),
        or_(*role_match),
    )


@dataclass(frozen=True)
class Unread:
    """One person of the audience who has not read the notice, by their home (the service
    keeps no names of people, only ids and places)."""

    role: str
    building: str | None
    unit: str | None
    room: str | None


def audience(places: Places, row: NoticeRow, where: list[d.PlaceRef]) -> Select[tuple[str, str]]:
    """(account, one of its roles) of everyone holding a role of the notice inside one of
    its places: "a role in a place reaches every holder of it anywhere inside"."""
    grants = places.tables.grants
    assert grants is not None
    roles = sorted(row.roles or d.RESIDENT_SIDE)
    inside = [places.holders_within(role, p.type, p.id) for role in roles for p in where]
    g = grants.c
    return (
        select(g.account_id, func.min(g.role).label("role"))
        .where(or_(*inside))
        .group_by(g.account_id)
    )


async def read_figures(
    uow: UnitOfWork, places: Places, row: NoticeRow, where: list[d.PlaceRef]
) -> tuple[int, int]:
    """(people it is for, of whom have read it)."""
    aud = audience(places, row, where).subquery()
    account = aud.c.account_id
    total = await uow.session.scalar(select(func.count()).select_from(aud)) or 0
    read = (
        await uow.session.scalar(
            select(func.count()).select_from(aud).where(account.in_(_readers(row)))
        )
        or 0
    )
    return total, read


async def unread_page(
    uow: UnitOfWork,
    places: Places,
    row: NoticeRow,
    where: list[d.PlaceRef],
    limit: int,
    offset: int,
) -> tuple[list[Unread], int]:
    """Who has not read it, by building, unit and room (staff without a home last)."""
    grants = places.tables.grants
    assert grants is not None
    g, h = grants.c, places.tables.households.c
    aud = audience(places, row, where).subquery()
    home = (
        select(
            g.account_id.label("account"),
            func.min(h.building_name).label("building"),
            func.min(h.unit_name).label("unit"),
            func.min(h.room_number).label("room"),
        )
        .join(
            places.tables.households,
            and_(g.scope_type == "household", g.scope_id == h.household_id),
        )
        .where(h.status == "active", h.community_id == row.community_id)
        .group_by(g.account_id)
        .subquery()
    )
    account, role = aud.c.account_id, aud.c.role
    not_read = ~account.in_(_readers(row))
    total = await uow.session.scalar(select(func.count()).select_from(aud).where(not_read)) or 0
    rows = await uow.session.execute(
        select(role, home.c.building, home.c.unit, home.c.room)
        .select_from(aud)
        .outerjoin(home, home.c.account == account)
        .where(not_read)
        .order_by(
            home.c.building.asc().nulls_last(),
            home.c.unit.asc().nulls_last(),
            home.c.room.asc().nulls_last(),
            account,
        )
        .limit(limit)
        .offset(offset)
    )
    return [Unread(r, b, u, n) for r, b, u, n in rows], total


def _readers(row: NoticeRow) -> Select[tuple[str]]:
    return select(NoticeReadRow.account_id).where(NoticeReadRow.notice_id == row.id)
