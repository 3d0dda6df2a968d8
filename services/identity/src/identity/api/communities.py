"""Communities and grids."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select, update

from identity.api.deps import scoped
from identity.db.auth import Grant
from identity.db.register import Building, Community, Grid
from identity.register import places, repo
from identity.register.schemas import (
    CommunityCreate,
    CommunityRead,
    CommunityUpdate,
    GridCreate,
    GridRead,
    GridUpdate,
)
from identity.roles import COMMUNITY_WRITERS, HOUSEHOLD_ROLES, PLACE_READERS
from identity.scope import Places, Scope
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import Principal, require_roles
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict, Problem

router = APIRouter(tags=["register"])
Readers = Annotated[Scope, Depends(scoped(PLACE_READERS))]
Viewers = Annotated[Scope, Depends(scoped(PLACE_READERS | HOUSEHOLD_ROLES))]
Writers = Annotated[Scope, Depends(scoped(COMMUNITY_WRITERS))]
PlatformAdmin = Annotated[Principal, Depends(require_roles("platform_admin"))]


def _can_read_community(scope: Scope, community: Community) -> None:
    if community.id not in scope.communities_of_grids():
        scope.ensure(repo.places(community))


@router.get("/api/v1/communities", summary="Communities in your scope")
async def list_communities(
    scope: Readers, uow: UnitOfWorkDep, paging: Paging
) -> Page[CommunityRead]:
    query = select(Community).where(
        scope.clause(community_col=Community.id, grid_community_col=Community.id)
    )
    rows, total = await fetch_page(uow.session, query.order_by(Community.code), paging)
    return Page.of([CommunityRead.model_validate(r) for r in rows], total, paging)


@router.post("/api/v1/communities", status_code=201, summary="Register a community")
async def create_community(
    body: CommunityCreate,
    admin: PlatformAdmin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> CommunityRead:
    community = Community(**body.model_dump())
    uow.session.add(community)
    await repo.flush_unique(uow, "community.code_taken", f"A community with code {body.code}")
    await auditor.within(
        uow,
        action="community.create",
        resource_type="community",
        resource_id=str(community.id),
        principal=admin,
        request=request,
        community_id=str(community.id),
    )
    await uow.commit()
    return CommunityRead.model_validate(community)


@router.get(
    "/api/v1/communities/{community_id}",
    summary="One community (staff in scope; residents their own, with the property's contact)",
)
async def get_community(
    community_id: uuid.UUID, scope: Viewers, uow: UnitOfWorkDep
) -> CommunityRead:
    community = await repo.get_or_404(uow.session, Community, community_id)
    if community.id not in scope.communities_of_grids():
        await places.ensure_readable(uow.session, scope, repo.places(community))
    return CommunityRead.model_validate(community)


@router.patch("/api/v1/communities/{community_id}", summary="Change a community")
async def update_community(
    community_id: uuid.UUID,
    body: CommunityUpdate,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> CommunityRead:
    community = await repo.get_or_404(uow.session, Community, community_id)
    scope.ensure(repo.places(community))
    for name, value in body.model_dump(exclude_unset=True).items():
        setattr(community, name, value)
    await _audit(
        uow, auditor, scope, request, "community.update", "community", community.id, community.id
    )
    await uow.commit()
    return CommunityRead.model_validate(community)


# grids ---------------------------------------------------------------------------------
async def _grid_read(uow: UnitOfWork, grid: Grid) -> GridRead:
    ids = (await uow.session.scalars(select(Building.id).where(Building.grid_id == grid.id))).all()
    return GridRead.model_validate(grid).model_copy(update={"building_ids": sorted(ids)})


async def _assign(uow: UnitOfWork, grid: Grid, building_ids: list[uuid.UUID]) -> None:
    found = (
        await uow.session.scalars(
            select(Building.id).where(
                Building.id.in_(building_ids), Building.community_id == grid.community_id
            )
        )
    ).all()
    if len(set(found)) != len(set(building_ids)):
        raise Problem(422, "grid.unknown_building", "A building is not in the grid's community")
    await uow.session.execute(
        update(Building).where(Building.grid_id == grid.id).values(grid_id=None)
    )
    if building_ids:
        await uow.session.execute(
            update(Building).where(Building.id.in_(building_ids)).values(grid_id=grid.id)
        )


async def _audit(
    uow: UnitOfWork,
    auditor: AuditorDep,
    scope: Scope,
    request: Request,
    action: str,
    kind: str,
    object_id: uuid.UUID,
    community_id: uuid.UUID,
) -> None:
    await auditor.within(
        uow,
        action=action,
        resource_type=kind,
        resource_id=str(object_id),
        principal=scope.principal,
        request=request,
        community_id=str(community_id),
    )


@router.get("/api/v1/grids", summary="Grids in your scope")
async def list_grids(
    scope: Readers, uow: UnitOfWorkDep, paging: Paging, community_id: uuid.UUID | None = None
) -> Page[GridRead]:
    query = select(Grid).where(scope.clause(community_col=Grid.community_id, grid_col=Grid.id))
    if community_id is not None:
        query = query.where(Grid.community_id == community_id)
    rows, total = await fetch_page(uow.session, query.order_by(Grid.code, Grid.id), paging)
    return Page.of([await _grid_read(uow, g) for g in rows], total, paging)


@router.post("/api/v1/grids", status_code=201, summary="Create a grid of buildings")
async def create_grid(
    body: GridCreate, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> GridRead:
    community = await repo.get_or_404(uow.session, Community, body.community_id)
    scope.ensure(repo.places(community))
    grid = Grid(community_id=community.id, code=body.code, name=body.name)
    uow.session.add(grid)
    await repo.flush_unique(uow, "grid.code_taken", f"A grid with code {body.code}")
    await _assign(uow, grid, body.building_ids)
    await _audit(uow, auditor, scope, request, "grid.create", "grid", grid.id, community.id)
    await uow.commit()
    return await _grid_read(uow, grid)


@router.get("/api/v1/grids/{grid_id}", summary="One grid and its buildings")
async def get_grid(grid_id: uuid.UUID, scope: Readers, uow: UnitOfWorkDep) -> GridRead:
    grid = await repo.get_or_404(uow.session, Grid, grid_id)
    scope.ensure(repo.places(grid))
    return await _grid_read(uow, grid)


@router.patch("/api/v1/grids/{grid_id}", summary="Rename a grid or set its buildings")
async def update_grid(
    grid_id: uuid.UUID,
    body: GridUpdate,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> GridRead:
    grid = await repo.get_or_404(uow.session, Grid, grid_id)
    scope.ensure(Places(community_id=grid.community_id))
    if body.name is not None:
        grid.name = body.name
    if body.building_ids is not None:
        await _assign(uow, grid, body.building_ids)
    await _audit(uow, auditor, scope, request, "grid.update", "grid", grid.id, grid.community_id)
    await uow.commit()
    return await _grid_read(uow, grid)


@router.delete("/api/v1/grids/{grid_id}", status_code=204, summary="Remove a grid")
async def delete_grid(
    grid_id: uuid.UUID, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> Response:
    grid = await repo.get_or_404(uow.session, Grid, grid_id)
    scope.ensure(Places(community_id=grid.community_id))
    if await repo.count(
        uow.session, Grant, Grant.scope_type == "grid", Grant.scope_id == str(grid.id)
    ):
        raise Conflict("grid.in_use", "Accounts hold grants on this grid; revoke them first")
    await uow.session.execute(
        update(Building).where(Building.grid_id == grid.id).values(grid_id=None)
    )
    await uow.session.delete(grid)
    await _audit(uow, auditor, scope, request, "grid.delete", "grid", grid.id, grid.community_id)
    await uow.commit()
    return Response(status_code=204)
