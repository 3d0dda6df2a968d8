"""Households: who lives together in a room."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from sqlalchemy import func, select

from identity.api.deps import scoped
from identity.db.register import Household, Residency, Room
from identity.register import people, repo
from identity.register.schemas import HouseholdCreate, HouseholdRead, HouseholdUpdate
from identity.roles import HOUSEHOLD_READERS, HOUSEHOLD_WRITERS
from identity.scope import Scope
from sc_contracts.events import HouseholdChange
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict

router = APIRouter(tags=["register"])
Readers = Annotated[Scope, Depends(scoped(HOUSEHOLD_READERS))]
Writers = Annotated[Scope, Depends(scoped(HOUSEHOLD_WRITERS))]


async def _read(uow: UnitOfWork, households: list[Household]) -> list[HouseholdRead]:
    ids = [h.id for h in households]
    counts: dict[uuid.UUID, int] = {}
    if ids:
        rows = await uow.session.execute(
            select(Residency.household_id, func.count())
            .where(Residency.household_id.in_(ids), Residency.moved_out_on.is_(None))
            .group_by(Residency.household_id)
        )
        counts = {h: int(n) for h, n in rows}
    return [
        HouseholdRead.model_validate(h).model_copy(update={"member_count": counts.get(h.id, 0)})
        for h in households
    ]


async def _audit(
    uow: UnitOfWork,
    auditor: AuditorDep,
    scope: Scope,
    request: Request,
    action: str,
    household: Household,
) -> None:
    await auditor.within(
        uow,
        action=action,
        resource_type="household",
        resource_id=str(household.id),
        principal=scope.principal,
        request=request,
        community_id=str(household.community_id),
    )


@router.get("/api/v1/households", summary="Households in your scope")
async def list_households(
    scope: Readers,
    uow: UnitOfWorkDep,
    paging: Paging,
    room_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
    status: Literal["active", "dissolved"] | None = None,
) -> Page[HouseholdRead]:
    query = select(Household).where(
        scope.clause(
            community_col=Household.community_id,
            building_col=Household.building_id,
            unit_col=Household.unit_id,
            household_col=Household.id,
        )
    )
    if room_id is not None:
        query = query.where(Household.room_id == room_id)
    if building_id is not None:
        query = query.where(Household.building_id == building_id)
    if status is not None:
        query = query.where(Household.status == status)
    rows, total = await fetch_page(
        uow.session, query.order_by(Household.name, Household.id), paging
    )
    return Page.of(await _read(uow, rows), total, paging)


@router.post("/api/v1/households", status_code=201, summary="Open a household in a room")
async def create_household(
    body: HouseholdCreate, scope: Writers, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> HouseholdRead:
    room = await repo.get_or_404(uow.session, Room, body.room_id)
    scope.ensure(repo.places(room))
    household = Household(
        community_id=room.community_id,
        building_id=room.building_id,
        unit_id=room.unit_id,
        room_id=room.id,
        name=body.name or room.standard_code,
    )
    uow.session.add(household)
    await uow.session.flush()
    await people.household_changed(uow, household, HouseholdChange.CREATED, scope.principal.subject)
    await _audit(uow, auditor, scope, request, "household.create", household)
    await uow.commit()
    return (await _read(uow, [household]))[0]


@router.get("/api/v1/households/{household_id}", summary="One household")
async def get_household(
    household_id: uuid.UUID, scope: Readers, uow: UnitOfWorkDep
) -> HouseholdRead:
    household = await repo.get_or_404(uow.session, Household, household_id)
    scope.ensure(repo.places(household))
    return (await _read(uow, [household]))[0]


@router.patch("/api/v1/households/{household_id}", summary="Rename or dissolve a household")
async def update_household(
    household_id: uuid.UUID,
    body: HouseholdUpdate,
    scope: Writers,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> HouseholdRead:
    household = await repo.get_or_404(uow.session, Household, household_id)
    scope.ensure(repo.places(household))
    change = HouseholdChange.UPDATED
    if body.name is not None:
        household.name = body.name
    if body.status == "dissolved" and household.status != "dissolved":
        if await people.member_count(uow.session, household.id):
            raise Conflict("household.not_empty", "Move every member out first")
        household.status, change = "dissolved", HouseholdChange.DISSOLVED
    elif body.status == "active":
        household.status = "active"
    await uow.session.flush()
    await people.household_changed(uow, household, change, scope.principal.subject)
    await _audit(uow, auditor, scope, request, "household.update", household)
    await uow.commit()
    return (await _read(uow, [household]))[0]
