"""Buildings, units and rooms (实有房屋), with standard codes and coordinates: added and
changed by the places' writers in scope, read by staff in scope and by residents (the
places their household is in, labelled as people say them). Each in one unit of work
with its scope check and audit record."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from identity.db.register import Building, Community, Grid, Household, Room, Unit
from identity.register import places, repo
from identity.register.schemas import (
    BuildingCreate,
    BuildingRead,
    BuildingUpdate,
    RoomCreate,
    RoomRead,
    RoomUpdate,
    UnitCreate,
    UnitRead,
    UnitUpdate,
)
from identity.roles import HOUSEHOLD_ROLES, PLACE_READERS, PLACE_WRITERS
from identity.scope import Scope, load_scope
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem

# one place by id: staff in scope, and residents the places their household is in
VIEWERS = PLACE_READERS | HOUSEHOLD_ROLES


class _Places:
    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    async def _scope(uow: UnitOfWork, who: Caller, roles: frozenset[str]) -> Scope:
        return await load_scope(uow.session, who.principal, roles)

    async def _page(
        self, who: Caller, paging: PageParams, query: Any, clause: Any
    ) -> tuple[list[Any], int]:
        async with self.db.uow(read_only=True) as uow:
            scope = await self._scope(uow, who, PLACE_READERS)
            rows, total = await fetch_page(uow.session, query.where(clause(scope)), paging)
            return list(rows), total

    async def _change(
        self, who: Caller, model: type, object_id: uuid.UUID, changes: dict[str, Any]
    ) -> Any:
        async with self.db.uow() as uow:
            scope = await self._scope(uow, who, PLACE_WRITERS)
            obj = await repo.get_or_404(uow.session, model, object_id)
            scope.ensure(repo.places(obj))
            for name, value in changes.items():
                setattr(obj, name, value)
            await _audit(uow, who, f"{_KIND[model]}.update", obj)
            await uow.commit()
            return obj

    async def _remove(
        self, who: Caller, model: type, object_id: uuid.UUID, code: str, inside: Any, column: Any
    ) -> None:
        """Remove an empty place (409 ``code`` while ``inside`` rows refer to it)."""
        async with self.db.uow() as uow:
            scope = await self._scope(uow, who, PLACE_WRITERS)
            obj = await repo.get_or_404(uow.session, model, object_id)
            scope.ensure(repo.places(obj))
            await repo.ensure_empty(uow.session, code, inside, column == obj.id)
            await uow.session.delete(obj)
            await _audit(uow, who, f"{_KIND[model]}.delete", obj)
            await uow.commit()


class Buildings(_Places):
    async def page(
        self,
        who: Caller,
        paging: PageParams,
        *,
        community_id: uuid.UUID | None = None,
        grid_id: uuid.UUID | None = None,
    ) -> tuple[list[Building], int]:
        query = select(Building)
        if community_id is not None:
            query = query.where(Building.community_id == community_id)
        if grid_id is not None:
            query = query.where(Building.grid_id == grid_id)
        return await self._page(
            who,
            paging,
            query.order_by(Building.code, Building.id),
            lambda s: s.clause(community_col=Building.community_id, building_col=Building.id),
        )

    async def create(self, who: Caller, body: BuildingCreate) -> Building:
        async with self.db.uow() as uow:
            scope = await self._scope(uow, who, PLACE_WRITERS)
            community = await repo.get_or_404(uow.session, Community, body.community_id)
            scope.ensure(repo.places(community))
            if body.grid_id is not None:
                grid = await repo.get_or_404(uow.session, Grid, body.grid_id)
                if grid.community_id != community.id:
                    raise Problem(
                        422,
                        "building.grid_elsewhere",
                        "The grid is in another community",
                        zh="所选网格属于其他社区",
                    )
            building = Building(**body.model_dump())
            uow.session.add(building)
            await repo.flush_unique(
                uow,
                "building.code_taken",
                f"A building with code {body.code}",
                zh=f"已有编号为 {body.code} 的楼栋",
            )
            await _audit(uow, who, "building.create", building)
            await uow.commit()
            return building

    async def get(self, who: Caller, building_id: uuid.UUID) -> BuildingRead:
        async with self.db.uow(read_only=True) as uow:
            scope = await self._scope(uow, who, VIEWERS)
            building = await repo.get_or_404(uow.session, Building, building_id)
            await places.ensure_readable(uow.session, scope, repo.places(building))
            community = await repo.get_or_404(uow.session, Community, building.community_id)
            return BuildingRead.model_validate(building).model_copy(
                update={
                    "label": f"{community.name} {building.name}",
                    "address": places.standard_address(community, building.name),
                }
            )

    async def update(self, who: Caller, building_id: uuid.UUID, body: BuildingUpdate) -> Building:
        changes = body.model_dump(exclude_unset=True)
        found: Building = await self._change(who, Building, building_id, changes)
        return found

    async def delete(self, who: Caller, building_id: uuid.UUID) -> None:
        await self._remove(who, Building, building_id, "building.not_empty", Unit, Unit.building_id)


class Units(_Places):
    async def page(
        self, who: Caller, paging: PageParams, *, building_id: uuid.UUID | None = None
    ) -> tuple[list[Unit], int]:
        query = select(Unit)
        if building_id is not None:
            query = query.where(Unit.building_id == building_id)
        return await self._page(
            who,
            paging,
            query.order_by(Unit.code, Unit.id),
            lambda s: s.clause(
                community_col=Unit.community_id, building_col=Unit.building_id, unit_col=Unit.id
            ),
        )

    async def create(self, who: Caller, body: UnitCreate) -> Unit:
        async with self.db.uow() as uow:
            scope = await self._scope(uow, who, PLACE_WRITERS)
            building = await repo.get_or_404(uow.session, Building, body.building_id)
            scope.ensure(repo.places(building))
            unit = Unit(community_id=building.community_id, **body.model_dump())
            uow.session.add(unit)
            await repo.flush_unique(
                uow,
                "unit.code_taken",
                f"A unit with code {body.code}",
                zh=f"该楼栋已有编号为 {body.code} 的单元",
            )
            await _audit(uow, who, "unit.create", unit)
            await uow.commit()
            return unit

    async def get(self, who: Caller, unit_id: uuid.UUID) -> UnitRead:
        async with self.db.uow(read_only=True) as uow:
            scope = await self._scope(uow, who, VIEWERS)
            unit = await repo.get_or_404(uow.session, Unit, unit_id)
            await places.ensure_readable(uow.session, scope, repo.places(unit))
            building = await repo.get_or_404(uow.session, Building, unit.building_id)
            community = await repo.get_or_404(uow.session, Community, unit.community_id)
            return UnitRead.model_validate(unit).model_copy(
                update={
                    "label": f"{community.name} {building.name}{unit.name}",
                    "address": places.standard_address(community, building.name, unit.name),
                }
            )

    async def update(self, who: Caller, unit_id: uuid.UUID, body: UnitUpdate) -> Unit:
        changes = body.model_dump(exclude_unset=True, exclude_none=True)
        found: Unit = await self._change(who, Unit, unit_id, changes)
        return found

    async def delete(self, who: Caller, unit_id: uuid.UUID) -> None:
        await self._remove(who, Unit, unit_id, "unit.not_empty", Room, Room.unit_id)


class Rooms(_Places):
    async def page(
        self,
        who: Caller,
        paging: PageParams,
        *,
        unit_id: uuid.UUID | None = None,
        building_id: uuid.UUID | None = None,
    ) -> tuple[list[Room], int]:
        query = select(Room)
        if unit_id is not None:
            query = query.where(Room.unit_id == unit_id)
        if building_id is not None:
            query = query.where(Room.building_id == building_id)
        order = (Room.building_id, Room.unit_id, Room.floor, Room.code)
        return await self._page(
            who,
            paging,
            query.order_by(*order),
            lambda s: s.clause(
                community_col=Room.community_id,
                building_col=Room.building_id,
                unit_col=Room.unit_id,
            ),
        )

    async def create(self, who: Caller, body: RoomCreate) -> Room:
        """A room; its standard code is derived from the community, building and unit."""
        async with self.db.uow() as uow:
            scope = await self._scope(uow, who, PLACE_WRITERS)
            unit = await repo.get_or_404(uow.session, Unit, body.unit_id)
            scope.ensure(repo.places(unit))
            building = await repo.get_or_404(uow.session, Building, unit.building_id)
            if body.floor == 0 or body.floor > building.floors:
                raise floor_out_of_range(building)
            community = await repo.get_or_404(uow.session, Community, unit.community_id)
            code = f"{community.code}-{building.code}-{unit.code}-{body.code}"
            room = Room(
                community_id=unit.community_id,
                building_id=unit.building_id,
                standard_code=code,
                **body.model_dump(),
            )
            uow.session.add(room)
            await repo.flush_unique(
                uow,
                "room.code_taken",
                f"A room with code {body.code}",
                zh=f"该单元已有编号为 {body.code} 的房屋",
            )
            await _audit(uow, who, "room.create", room)
            await uow.commit()
            return room

    async def get(self, who: Caller, room_id: uuid.UUID) -> RoomRead:
        async with self.db.uow(read_only=True) as uow:
            scope = await self._scope(uow, who, VIEWERS)
            room = await repo.get_or_404(uow.session, Room, room_id)
            await places.ensure_readable(uow.session, scope, repo.places(room), room_id=room.id)
            where = (await places.room_places(uow.session, [room.id]))[room.id]
            return RoomRead.model_validate(room).model_copy(
                update={
                    "label": where.label,
                    "address": where.address,
                    "longitude": where.building.longitude,
                    "latitude": where.building.latitude,
                }
            )

    async def update(self, who: Caller, room_id: uuid.UUID, body: RoomUpdate) -> Room:
        changes = body.model_dump(exclude_unset=True, exclude_none=True)
        found: Room = await self._change(who, Room, room_id, changes)
        return found

    async def delete(self, who: Caller, room_id: uuid.UUID) -> None:
        await self._remove(who, Room, room_id, "room.not_empty", Household, Household.room_id)


def floor_out_of_range(building: Building) -> Problem:
    """422 ``room.floor_out_of_range``: the floors the building has, zh-CN first."""
    return Problem(
        422,
        "room.floor_out_of_range",
        f"{building.name} has floors 1 to {building.floors} (and basements -1 to -5)",
        zh=f"{building.name}共{building.floors}层：楼层应为 1 至 {building.floors}"
        "（地下层 -1 至 -5）",
        floors=building.floors,
    )


_KIND: dict[type, str] = {Building: "building", Unit: "unit", Room: "room"}


async def _audit(uow: UnitOfWork, who: Caller, action: str, obj: Any) -> None:
    await uow.audit(
        who,
        action,
        action.split(".")[0],
        str(obj.id),
        community_id=str(obj.community_id),
    )
