"""Households: who lives together in a room. Opened, renamed and dissolved (once empty) by
the household writers in scope, each change published as ``HouseholdChangedV1`` and
audited; read by staff in scope and by the household's own members."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from identity.db.register import Household, Residency, Room
from identity.register import people, repo
from identity.register.schemas import HouseholdCreate, HouseholdRead, HouseholdUpdate
from identity.roles import HOUSEHOLD_READERS, HOUSEHOLD_WRITERS
from identity.scope import load_scope
from sc_contracts.events import HouseholdChange
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Conflict


class Households:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(
        self,
        who: Caller,
        paging: PageParams,
        *,
        room_id: uuid.UUID | None = None,
        building_id: uuid.UUID | None = None,
        status: str | None = None,
    ) -> tuple[list[HouseholdRead], int]:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, HOUSEHOLD_READERS)
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
            return await _read(uow, rows), total

    async def create(self, who: Caller, body: HouseholdCreate) -> HouseholdRead:
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, HOUSEHOLD_WRITERS)
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
            await people.household_changed(uow, household, HouseholdChange.CREATED, who.subject)
            await _audit(uow, who, "household.create", household)
            await uow.commit()
            return (await _read(uow, [household]))[0]

    async def get(self, who: Caller, household_id: uuid.UUID) -> HouseholdRead:
        async with self.db.uow(read_only=True) as uow:
            scope = await load_scope(uow.session, who.principal, HOUSEHOLD_READERS)
            household = await repo.get_or_404(uow.session, Household, household_id)
            scope.ensure(repo.places(household))
            return (await _read(uow, [household]))[0]

    async def update(
        self, who: Caller, household_id: uuid.UUID, body: HouseholdUpdate
    ) -> HouseholdRead:
        """Rename, or dissolve once nobody lives in it."""
        async with self.db.uow() as uow:
            scope = await load_scope(uow.session, who.principal, HOUSEHOLD_WRITERS)
            household = await repo.get_or_404(uow.session, Household, household_id)
            scope.ensure(repo.places(household))
            change = HouseholdChange.UPDATED
            if body.name is not None:
                household.name = body.name
            if body.status == "dissolved" and household.status != "dissolved":
                if await people.member_count(uow.session, household.id):
                    raise Conflict(
                        "household.not_empty",
                        "Move every member out first",
                        zh="请先为该户所有成员办理迁出",
                    )
                household.status, change = "dissolved", HouseholdChange.DISSOLVED
            elif body.status == "active":
                household.status = "active"
            await uow.session.flush()
            await people.household_changed(uow, household, change, who.subject)
            await _audit(uow, who, "household.update", household)
            await uow.commit()
            return (await _read(uow, [household]))[0]


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


async def _audit(uow: UnitOfWork, who: Caller, action: str, household: Household) -> None:
    await uow.audit(
        who,
        action,
        "household",
        str(household.id),
        community_id=str(household.community_id),
    )
