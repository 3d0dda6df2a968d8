"""Communities and grids: registered by a platform admin (communities) and the community's
admins (grids of buildings), read by staff in scope and by residents (their own community).
Each in one unit of work with its scope check and audit record."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from identity.db.auth import Grant
from identity.db.register import Building, Community, Grid
from identity.register import places, repo
from identity.register.schemas import (
    CommunityCreate,
    CommunityUpdate,
    GridCreate,
    GridRead,
    GridUpdate,
)
from identity.roles import COMMUNITY_WRITERS, HOUSEHOLD_ROLES, PLACE_READERS
from identity.scope import Places, load_scope
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Problem

VIEWERS = PLACE_READERS | HOUSEHOLD_ROLES


class Communities:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(self, who: Caller, paging: PageParams) -> tuple[list[Community], int]:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PLACE_READERS)
            query = select(Community).where(
                scope.clause(community_col=Community.id, grid_community_col=Community.id)
            )
            rows, total = await fetch_page(uow.session, query.order_by(Community.code), paging)
            return list(rows), total

    async def create(self, who: Caller, body: CommunityCreate) -> Community:
        async with self.db.uow() as uow:
            community = Community(**body.model_dump())
            uow.session.add(community)
            await repo.flush_unique(
                uow,
                "community.code_taken",
                f"A community with code {body.code}",
                zh=f"已有编号为 {body.code} 的社区",
            )
            await _audit(uow, who, "community.create", "community", community.id, community.id)
            await uow.commit()
            return community

    async def get(self, who: Caller, community_id: uuid.UUID) -> Community:
        """Staff in scope; residents their own (with the property's contact)."""
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, VIEWERS)
            community = await repo.get_or_404(uow.session, Community, community_id)
            if community.id not in scope.communities_of_grids():
                await places.ensure_readable(uow.session, scope, repo.places(community))
            return community

    async def update(
        self, who: Caller, community_id: uuid.UUID, body: CommunityUpdate
    ) -> Community:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, COMMUNITY_WRITERS)
            community = await repo.get_or_404(uow.session, Community, community_id)
            scope.ensure(repo.places(community))
            for name, value in body.model_dump(exclude_unset=True).items():
                setattr(community, name, value)
            await _audit(uow, who, "community.update", "community", community.id, community.id)
            await uow.commit()
            return community


class Grids:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self, who: Caller, paging: PageParams, *, community_id: uuid.UUID | None = None
    ) -> tuple[list[GridRead], int]:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PLACE_READERS)
            query = select(Grid).where(
                scope.clause(community_col=Grid.community_id, grid_col=Grid.id)
            )
            if community_id is not None:
                query = query.where(Grid.community_id == community_id)
            rows, total = await fetch_page(uow.session, query.order_by(Grid.code, Grid.id), paging)
            return await _grid_reads(uow, list(rows)), total

    async def create(self, who: Caller, body: GridCreate) -> GridRead:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, COMMUNITY_WRITERS)
            community = await repo.get_or_404(uow.session, Community, body.community_id)
            scope.ensure(repo.places(community))
            outline = body.model_dump()["outline"]
            grid = Grid(community_id=community.id, code=body.code, name=body.name, outline=outline)
            uow.session.add(grid)
            await repo.flush_unique(
                uow,
                "grid.code_taken",
                f"A grid with code {body.code}",
                zh=f"本社区已有编号为 {body.code} 的网格",
            )
            await _assign(uow, grid, body.building_ids)
            await _audit(uow, who, "grid.create", "grid", grid.id, community.id)
            await uow.commit()
            return await _grid_read(uow, grid)

    async def get(self, who: Caller, grid_id: uuid.UUID) -> GridRead:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, PLACE_READERS)
            grid = await repo.get_or_404(uow.session, Grid, grid_id)
            scope.ensure(repo.places(grid))
            return await _grid_read(uow, grid)

    async def update(self, who: Caller, grid_id: uuid.UUID, body: GridUpdate) -> GridRead:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, COMMUNITY_WRITERS)
            grid = await repo.get_or_404(uow.session, Grid, grid_id)
            scope.ensure(Places(community_id=grid.community_id))
            if body.name is not None:
                grid.name = body.name
            if body.building_ids is not None:
                await _assign(uow, grid, body.building_ids)
            if "outline" in body.model_fields_set:
                grid.outline = body.model_dump()["outline"]
            await _audit(uow, who, "grid.update", "grid", grid.id, grid.community_id)
            await uow.commit()
            return await _grid_read(uow, grid)

    async def delete(self, who: Caller, grid_id: uuid.UUID) -> None:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, COMMUNITY_WRITERS)
            grid = await repo.get_or_404(uow.session, Grid, grid_id)
            scope.ensure(Places(community_id=grid.community_id))
            if await repo.count(
                uow.session, Grant, Grant.scope_type == "grid", Grant.scope_id == str(grid.id)
            ):
                raise Conflict(
                    "grid.in_use",
                    "Accounts hold grants on this grid; revoke them first",
                    zh="仍有账号持有该网格的权限，请先撤销",
                )
            await uow.session.execute(
                update(Building).where(Building.grid_id == grid.id).values(grid_id=None)
            )
            await uow.session.delete(grid)
            await _audit(uow, who, "grid.delete", "grid", grid.id, grid.community_id)
            await uow.commit()


async def _grid_read(uow: UnitOfWork, grid: Grid) -> GridRead:
    return (await _grid_reads(uow, [grid]))[0]


async def _grid_reads(uow: UnitOfWork, grids: list[Grid]) -> list[GridRead]:
    """The grids with their buildings' ids, read in one query for a whole page (one query
    per grid was 20 round trips a page; ADR 0061)."""
    ids: dict[uuid.UUID, list[uuid.UUID]] = {g.id: [] for g in grids}
    if grids:
        rows = await uow.session.execute(
            select(Building.grid_id, Building.id).where(Building.grid_id.in_(list(ids)))
        )
        for grid_id, building_id in rows:
            ids[grid_id].append(building_id)
    return [
        GridRead.model_validate(g).model_copy(update={"building_ids": sorted(ids[g.id])})
        for g in grids
    ]


async def _assign(uow: UnitOfWork, grid: Grid, building_ids: list[uuid.UUID]) -> None:
    found = (
        await uow.session.scalars(
            select(Building.id).where(
                Building.id.in_(building_ids), Building.community_id == grid.community_id
            )
        )
    ).all()
    if len(set(found)) != len(set(building_ids)):
        raise Problem(
            422,
            "grid.unknown_building",
            "A building is not in the grid's community",
            zh="所选楼栋中有不属于该网格所在社区的",
        )
    await uow.session.execute(
        update(Building).where(Building.grid_id == grid.id).values(grid_id=None)
    )
    if building_ids:
        await uow.session.execute(
            update(Building).where(Building.id.in_(building_ids)).values(grid_id=grid.id)
        )


async def _audit(
    uow: UnitOfWork,
    who: Caller,
    action: str,
    kind: str,
    object_id: uuid.UUID,
    community_id: uuid.UUID,
) -> None:
    await uow.audit(who, action, kind, str(object_id), community_id=str(community_id))
