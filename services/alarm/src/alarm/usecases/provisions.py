"""Shelters (and the nearest one to a point) and emergency supplies with their stock and
movements (6.1.4 d, e): kept by emergency writers, read by everyone in the community."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from alarm.api.emergency import MovementBody, ShelterBody, SupplyBody
from alarm.db.emergency import Shelter, Supply, SupplyMovement
from alarm.domain.access import EMERGENCY_WRITERS, STAFF, ensure_place
from alarm.domain.geo import distance_m
from alarm.usecases.records import Records
from alarm.usecases.scope import public_scope, writer_on
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.errors import Problem

WRITER = writer_on(EMERGENCY_WRITERS)


def _no_supply(supply_id: uuid.UUID) -> Problem:
    return Problem(404, "supply.not_found", "There is no such supply", zh="找不到该应急物资")


class Provisions:
    def __init__(self, records: Records) -> None:
        self.records = records
        self.db = records.db

    # shelters ------------------------------------------------------------------------
    async def add_shelter(self, who: Caller, body: ShelterBody) -> Shelter:
        shelter = Shelter(id=uuid.uuid4(), **body.model_dump())
        created: Shelter = await self.records.create(
            who, shelter, "shelter", WRITER, roles=EMERGENCY_WRITERS
        )
        return created

    async def shelters(
        self, who: Caller, community_id: str | None, paging: PageParams
    ) -> tuple[list[Shelter], int]:
        scope = await public_scope(self.db, who.principal, Shelter.community_id, community_id)
        query = select(Shelter).where(scope).order_by(Shelter.name, Shelter.id)
        return await self.records.page(query, paging)

    async def nearest_shelters(
        self, who: Caller, lat: float, lng: float, community_id: str | None, limit: int
    ) -> list[tuple[Shelter, float]]:
        """The shelters nearest to a point, each with its distance in metres (rounded)."""
        scope = await public_scope(self.db, who.principal, Shelter.community_id, community_id)
        async with self.db.uow(read_only=True) as uow:
            rows = (await uow.session.scalars(select(Shelter).where(scope))).all()
        found = [(s, round(distance_m(lat, lng, s.lat, s.lng), 1)) for s in rows]
        found.sort(key=lambda pair: pair[1])
        return found[:limit]

    # supplies ------------------------------------------------------------------------
    async def add_supply(self, who: Caller, body: SupplyBody) -> Supply:
        supply = Supply(id=uuid.uuid4(), updated_at=datetime.now(UTC), **body.model_dump())
        created: Supply = await self.records.create(
            who, supply, "supply", WRITER, roles=EMERGENCY_WRITERS
        )
        return created

    async def supplies(
        self, who: Caller, community_id: str | None, category: str | None, paging: PageParams
    ) -> tuple[list[Supply], int]:
        query = select(Supply).where(
            await public_scope(self.db, who.principal, Supply.community_id, community_id)
        )
        if category:
            query = query.where(Supply.category == category)
        return await self.records.page(query.order_by(Supply.name, Supply.id), paging)

    async def move_stock(self, who: Caller, supply_id: uuid.UUID, body: MovementBody) -> Supply:
        """Stock moves only by a recorded movement, never below zero."""
        async with self.db.uow() as uow:
            supply = await uow.session.get(Supply, supply_id, with_for_update=True)
            if supply is None:
                raise _no_supply(supply_id)
            ensure_place(who.principal, supply.community_id, allowed=EMERGENCY_WRITERS)
            if supply.quantity + body.delta < 0:
                raise Problem(
                    409,
                    "supply.insufficient_stock",
                    f"Only {supply.quantity} in stock",
                    zh=f"库存不足，仅剩 {supply.quantity}",
                )
            supply.quantity += body.delta
            supply.updated_at = datetime.now(UTC)
            uow.session.add(
                SupplyMovement(
                    id=uuid.uuid4(),
                    supply_id=supply.id,
                    delta=body.delta,
                    reason=body.reason,
                    actor_id=who.subject,
                )
            )
            await uow.audit(
                who,
                "supply.move",
                "supply",
                str(supply.id),
                community_id=supply.community_id,
                detail={"delta": str(body.delta)},
            )
            await uow.commit()
            return supply

    async def movements(
        self, who: Caller, supply_id: uuid.UUID, paging: PageParams
    ) -> tuple[list[SupplyMovement], int]:
        async with self.db.uow(read_only=True) as uow:
            supply = await uow.session.get(Supply, supply_id)
            if supply is None:
                raise _no_supply(supply_id)
            ensure_place(who.principal, supply.community_id, allowed=STAFF)
            m = SupplyMovement
            query = select(m).where(m.supply_id == supply_id).order_by(m.created_at, m.id)
            items, total = await fetch_page(uow.session, query, paging)
            return list(items), total
