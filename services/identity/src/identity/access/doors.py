"""Who may open which door, and the door-open command sent to device-ingestion."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.db.access import Door
from identity.db.register import Household
from identity.roles import DOOR_STAFF, HOUSEHOLD_ROLES
from identity.scope import Places, Scope
from sc_contracts.events import DeviceCommandRequestedV1
from sc_core.db.uow import UnitOfWork


@dataclass(frozen=True)
class Home:
    community_id: uuid.UUID
    building_id: uuid.UUID


async def homes(session: AsyncSession, scope: Scope) -> list[Home]:
    """Where the caller's households are (residents, tenants, family)."""
    ids: list[uuid.UUID] = []
    for raw in scope.principal.scope_ids("household", HOUSEHOLD_ROLES):
        try:
            ids.append(uuid.UUID(raw))
        except ValueError:
            continue
    if not ids:
        return []
    rows = await session.execute(
        select(Household.community_id, Household.building_id).where(
            Household.id.in_(ids), Household.status == "active"
        )
    )
    return [Home(c, b) for c, b in rows]


def door_clause(scope: Scope, places: list[Home]) -> ColumnElement[bool]:
    """Doors a caller may see: staff by their places, residents their gates and building."""
    parts = [scope.clause(community_col=Door.community_id, building_col=Door.building_id)]
    for home in places:
        parts.append(
            and_(
                Door.community_id == home.community_id,
                or_(Door.building_id.is_(None), Door.building_id == home.building_id),
            )
        )
    return or_(*parts) if parts else false()


def may_open(scope: Scope, door: Door, places: list[Home]) -> bool:
    """Staff of the door's community; grid workers of its building (or of a grid in its
    community, for gates); members of a household in its building (or community, for
    gates)."""
    if scope.covers(Places(community_id=door.community_id), roles=DOOR_STAFF):
        return True
    if door.building_id is not None:
        if door.building_id in scope.buildings_of_grids(["grid_worker"]):
            return True
    elif door.community_id in scope.communities_of_grids(["grid_worker"]):
        return True
    return any(
        h.community_id == door.community_id
        and (door.building_id is None or h.building_id == door.building_id)
        for h in places
    )


async def request_open(
    uow: UnitOfWork, door: Door, *, actor: str, ttl_seconds: int, correlation: str | None
) -> DeviceCommandRequestedV1:
    now = datetime.now(UTC)
    command = DeviceCommandRequestedV1(
        command_id=str(uuid.uuid4()),
        device_id=door.device_id,
        command="open_door",
        params={"door_id": str(door.id), "duration_s": 5},
        community_id=str(door.community_id),
        requested_by=actor,
        requested_by_service="identity",
        requested_at=now,
        expires_at=now + timedelta(seconds=ttl_seconds),
        correlation_id=correlation,
    )
    await uow.publish(command, key=door.device_id)
    return command
