"""Key places (九小场所, group rentals) and their cameras (6.1.1 e): kept by register
writers on their buildings or grids, read by register readers there."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select

from alarm.api.registers import KeyPlaceBody
from alarm.db.registers import KeyPlace
from alarm.domain.access import REGISTER_READERS, REGISTER_WRITERS
from alarm.usecases.records import Records
from alarm.usecases.scope import grid_scope, writer_in_grid
from sc_core.api import PageParams
from sc_core.auth import Caller, scope_clause

WRITER = writer_in_grid(REGISTER_WRITERS)


class KeyPlaces:
    def __init__(self, records: Records) -> None:
        self.records = records

    async def register(self, who: Caller, body: KeyPlaceBody) -> KeyPlace:
        place = KeyPlace(id=uuid.uuid4(), **body.model_dump())
        created: KeyPlace = await self.records.create(
            who, place, "key_place", WRITER, roles=REGISTER_WRITERS
        )
        return created

    async def page(
        self, who: Caller, kind: str | None, paging: PageParams
    ) -> tuple[list[KeyPlace], int]:
        query = select(KeyPlace).where(
            or_(
                scope_clause(
                    who.principal,
                    community_col=KeyPlace.community_id,
                    building_col=KeyPlace.building_id,
                    roles=REGISTER_READERS,
                ),
                grid_scope(who.principal, KeyPlace.building_id, REGISTER_READERS),
            )
        )
        if kind:
            query = query.where(KeyPlace.kind == kind)
        return await self.records.page(query.order_by(KeyPlace.created_at, KeyPlace.id), paging)
