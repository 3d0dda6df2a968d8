"""The warnings (预警) that reached a resident, for the residents' app: those sent to the
elderly (audience ``residents``) that reached a building the caller lives in, or that told
the caller (an elder, a guardian, family whose consent asks to be told). Nothing of another
building and nothing of an exercise or a test; the words are what the elders were told."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from care.db.warning_models import WarningPlaceRow, WarningRow, WarningToldRow
from care.usecases.warning_reads import words_of
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import RESIDENT_ROLES, Places, say_both


@dataclass(frozen=True)
class MyWarning:
    row: WarningRow
    words: dict[str, str]
    places: list[tuple[str, str]]  # my buildings it reached, in words (zh-CN, en)
    told_me: bool


class ResidentWarnings:
    def __init__(self, db: Database, places: Places) -> None:
        self.db, self.places = db, places

    async def page(self, who: Caller, params: PageParams) -> tuple[list[MyWarning], PageTotal]:
        homes = sorted(who.principal.scope_ids("household", frozenset(RESIDENT_ROLES)))
        h = self.places.tables.households
        mine = select(h.c.building_id).where(h.c.household_id.in_(homes), h.c.status == "active")
        reached = select(WarningPlaceRow.warning_id).where(WarningPlaceRow.building_id.in_(mine))
        told = select(WarningToldRow.warning_id).where(WarningToldRow.users.contains([who.subject]))
        query = (
            select(WarningRow)
            .where(
                WarningRow.audience == "residents",
                or_(WarningRow.id.in_(reached), WarningRow.id.in_(told)),
            )
            .order_by(WarningRow.received_at.desc(), WarningRow.id)
        )
        async with self.db.uow() as uow:
            rows, total = await fetch_page(uow.session, query, params)
            found = []
            for row in rows:
                here = (
                    await uow.session.scalars(
                        select(WarningPlaceRow)
                        .where(WarningPlaceRow.warning_id == row.id,
                               WarningPlaceRow.building_id.in_(mine))
                        .order_by(WarningPlaceRow.building_id)
                    )
                ).all()  # fmt: skip
                names = [
                    say_both(await self.places.name_of(
                        uow, community_id=p.community_id, building_id=p.building_id))
                    for p in here
                ]  # fmt: skip
                me = await uow.session.scalar(
                    select(WarningToldRow.warning_id).where(
                        WarningToldRow.warning_id == row.id,
                        WarningToldRow.users.contains([who.subject]),
                    ).limit(1)
                )  # fmt: skip
                found.append(MyWarning(row, await words_of(uow, row), names, me is not None))
            return found, total
