"""The places a caller belongs to, and how a person reads one (issue 19 item 1).

Residents, tenants and family hold household grants only; they still read the community,
building, unit and room their active household is in, with names, the standard address,
coordinates and the property's contact, and ``/api/v1/me`` labels each home the way an
app shows it: ``幸福里社区 1号楼1单元101室``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db.register import Building, Community, Household, Room, Unit
from identity.roles import HOUSEHOLD_ROLES, PLACE_READERS
from identity.scope import Places, Scope
from sc_core.errors import Forbidden


@dataclass(frozen=True)
class Home:
    household_id: uuid.UUID
    community_id: uuid.UUID
    building_id: uuid.UUID
    unit_id: uuid.UUID
    room_id: uuid.UUID


async def homes(session: AsyncSession, scope: Scope) -> list[Home]:
    """The caller's active households (resident, tenant, family grants) and where they are."""
    ids: list[uuid.UUID] = []
    for raw in scope.principal.scope_ids("household", HOUSEHOLD_ROLES):
        try:
            ids.append(uuid.UUID(raw))
        except ValueError:
            continue
    if not ids:
        return []
    h = Household
    rows = await session.execute(
        select(h.id, h.community_id, h.building_id, h.unit_id, h.room_id).where(
            h.id.in_(ids), h.status == "active"
        )
    )
    return [Home(*row) for row in rows]


async def ensure_readable(
    session: AsyncSession, scope: Scope, places: Places, *, room_id: uuid.UUID | None = None
) -> None:
    """Staff read by their grants; a resident reads the places that contain a home of theirs.
    403 ``auth.out_of_scope`` otherwise."""
    if scope.covers(places, PLACE_READERS):
        return
    wanted = {
        "community_id": places.community_id,
        "building_id": places.building_id,
        "unit_id": places.unit_id,
        "room_id": room_id,
    }
    for home in await homes(session, scope):
        if all(v is None or getattr(home, k) == v for k, v in wanted.items()):
            return
    raise Forbidden(
        "auth.out_of_scope",
        "The object is outside the places you may act on",
        zh="该对象不在您负责的范围内",
    )


def room_label(community: Community, building: Building, unit: Unit, room: Room) -> str:
    """How a person names a flat: ``幸福里社区 1号楼1单元101室``."""
    return f"{community.name} {building.name}{unit.name}{room.code}室"


def standard_address(community: Community, *parts: str) -> str | None:
    """The community's postal address followed by the names inside it."""
    if not community.address:
        return None
    inside = "".join(parts)
    return f"{community.address} {inside}" if inside else community.address


@dataclass(frozen=True)
class RoomPlace:
    community: Community
    building: Building
    unit: Unit
    room: Room

    @property
    def label(self) -> str:
        return room_label(self.community, self.building, self.unit, self.room)

    @property
    def address(self) -> str | None:
        return standard_address(
            self.community, self.building.name, self.unit.name, f"{self.room.code}室"
        )


async def room_places(
    session: AsyncSession, room_ids: list[uuid.UUID]
) -> dict[uuid.UUID, RoomPlace]:
    """Each room with the unit, building and community it is in (one query)."""
    if not room_ids:
        return {}
    rows = await session.execute(
        select(Room, Unit, Building, Community)
        .join(Unit, Unit.id == Room.unit_id)
        .join(Building, Building.id == Room.building_id)
        .join(Community, Community.id == Room.community_id)
        .where(Room.id.in_(room_ids))
    )
    return {r.id: RoomPlace(c, b, u, r) for r, u, b, c in rows}
