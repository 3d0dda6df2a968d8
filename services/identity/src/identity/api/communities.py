"""Communities and grids."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response

from identity.api.deps import CommunitiesDep, GridsDep, PlatformAdmin
from identity.register.schemas import (
    CommunityCreate,
    CommunityRead,
    CommunityUpdate,
    GridCreate,
    GridRead,
    GridUpdate,
)
from identity.roles import COMMUNITY_WRITERS, HOUSEHOLD_ROLES, PLACE_READERS
from sc_core.api import Page, Paging
from sc_core.auth import Caller, callers

router = APIRouter(tags=["register"])
# the coarse role checks; the places are the use case's (usecases/communities.py)
Readers = Annotated[Caller, Depends(callers(*sorted(PLACE_READERS)))]
Viewers = Annotated[Caller, Depends(callers(*sorted(PLACE_READERS | HOUSEHOLD_ROLES)))]
Writers = Annotated[Caller, Depends(callers(*sorted(COMMUNITY_WRITERS)))]


@router.get("/api/v1/communities", summary="Communities in your scope")
async def list_communities(
    who: Readers, communities: CommunitiesDep, paging: Paging
) -> Page[CommunityRead]:
    rows, total = await communities.page(who, paging)
    return Page.of([CommunityRead.model_validate(r) for r in rows], total, paging)


@router.post("/api/v1/communities", status_code=201, summary="Register a community")
async def create_community(
    body: CommunityCreate, who: PlatformAdmin, communities: CommunitiesDep
) -> CommunityRead:
    return CommunityRead.model_validate(await communities.create(who, body))


@router.get(
    "/api/v1/communities/{community_id}",
    summary="One community (staff in scope; residents their own, with the property's contact)",
)
async def get_community(
    community_id: uuid.UUID, who: Viewers, communities: CommunitiesDep
) -> CommunityRead:
    return CommunityRead.model_validate(await communities.get(who, community_id))


@router.patch("/api/v1/communities/{community_id}", summary="Change a community")
async def update_community(
    community_id: uuid.UUID, body: CommunityUpdate, who: Writers, communities: CommunitiesDep
) -> CommunityRead:
    return CommunityRead.model_validate(await communities.update(who, community_id, body))


# grids ---------------------------------------------------------------------------------
@router.get("/api/v1/grids", summary="Grids in your scope")
async def list_grids(
    who: Readers, grids: GridsDep, paging: Paging, community_id: uuid.UUID | None = None
) -> Page[GridRead]:
    items, total = await grids.page(who, paging, community_id=community_id)
    return Page.of(items, total, paging)


@router.post("/api/v1/grids", status_code=201, summary="Create a grid of buildings")
async def create_grid(body: GridCreate, who: Writers, grids: GridsDep) -> GridRead:
    return await grids.create(who, body)


@router.get("/api/v1/grids/{grid_id}", summary="One grid and its buildings")
async def get_grid(grid_id: uuid.UUID, who: Readers, grids: GridsDep) -> GridRead:
    return await grids.get(who, grid_id)


@router.patch("/api/v1/grids/{grid_id}", summary="Rename a grid, set its buildings or its outline")
async def update_grid(
    grid_id: uuid.UUID, body: GridUpdate, who: Writers, grids: GridsDep
) -> GridRead:
    return await grids.update(who, grid_id, body)


@router.delete("/api/v1/grids/{grid_id}", status_code=204, summary="Remove a grid")
async def delete_grid(grid_id: uuid.UUID, who: Writers, grids: GridsDep) -> Response:
    await grids.delete(who, grid_id)
    return Response(status_code=204)
