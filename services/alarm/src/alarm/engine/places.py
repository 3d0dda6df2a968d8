"""Households' places and buildings' grids, projected from identity.events.v1.

- room -> household: an emergency button pressed or a fall detected in a flat reaches the
  household living there (NotificationRequestedV1.household_ids), not only the plan;
- building -> grid: a grid worker (网格员), whose grant is on a grid, acts on the places
  of the buildings in that grid (the events carry the building's ``grid_id``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from alarm.db.models import BuildingGrid, HouseholdPlace
from sc_contracts.events.identity import Placement
from sc_core.db.uow import UnitOfWork


async def project(uow: UnitOfWork, household_id: str, p: Placement, status: str) -> None:
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
    await uow.session.execute(
        insert(HouseholdPlace)
        .values(household_id=household_id, **values)
        .on_conflict_do_update(index_elements=[HouseholdPlace.household_id], set_=values)
    )
    if p.grid_id:
        grid = {"community_id": p.community_id, "grid_id": p.grid_id, "updated_at": now}
        await uow.session.execute(
            insert(BuildingGrid)
            .values(building_id=p.building_id, **grid)
            .on_conflict_do_update(index_elements=[BuildingGrid.building_id], set_=grid)
        )


async def households_in_room(uow: UnitOfWork, room_id: str) -> set[str]:
    """The active households living in this room (usually one)."""
    rows = await uow.session.scalars(
        select(HouseholdPlace.household_id).where(
            HouseholdPlace.room_id == room_id, HouseholdPlace.status == "active"
        )
    )
    return set(rows)


async def grid_of(uow: UnitOfWork, building_id: str | None) -> str | None:
    if not building_id:
        return None
    found = await uow.session.scalar(
        select(BuildingGrid.grid_id).where(BuildingGrid.building_id == building_id)
    )
    return str(found) if found is not None else None
