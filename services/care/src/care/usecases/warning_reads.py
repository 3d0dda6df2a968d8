"""CAP warnings for staff (预警记录): the list, scoped to the caller's communities (the
ones a warning reached or may concern), and one warning with what it said, where it
reached, the areas a person must place, and whom it reached (names masked; the read
audited). A poster reads what it posted."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Text, false, or_, select
from sqlalchemy.dialects.postgresql import array

from care.adapters.cap import parse_cap
from care.db.models import CarePerson
from care.db.warning_models import WarningInfoRow, WarningPlaceRow, WarningRow, WarningToldRow
from care.domain.warnings import CapAlert, plain_words
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import NotFound
from sc_core.paging import PageParams, PageTotal, fetch_page
from sc_core.places import Places, say_both
from sc_core.privacy.masking import mask_name

READERS = (
    "gov_officer", "community_admin", "doctor", "caregiver", "grid_worker", "platform_admin",
    "auditor",
)  # fmt: skip


def warning_not_found() -> NotFound:
    return NotFound("care.warning_not_found", "No such warning", zh="没有这条预警")


@dataclass(frozen=True)
class ReachedPlace:
    building_id: str
    community_id: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class ToldPerson:
    person_id: str
    name: str  # masked
    building_id: str | None
    told: int  # accounts the notice went to (0: nobody to tell)


@dataclass(frozen=True)
class WarningDetail:
    row: WarningRow
    infos: list[WarningInfoRow]
    words: dict[str, str]
    places: list[ReachedPlace]
    told: list[ToldPerson]


class WarningReads:
    def __init__(self, db: Database, places: Places) -> None:
        self.db = db
        self.places = places

    def _scope(self, who: Caller) -> ColumnElement[bool]:
        if who.principal.is_platform_wide(READERS):
            return WarningRow.id.is_not(None)
        mine = sorted(who.principal.scope_ids("community", READERS))
        return or_(
            WarningRow.received_by == who.subject,
            WarningRow.communities.has_any(array(mine, type_=Text)) if mine else false(),
        )

    async def page(
        self, who: Caller, community_id: str | None, params: PageParams
    ) -> tuple[list[tuple[WarningRow, dict[str, str]]], PageTotal]:
        query = select(WarningRow).where(self._scope(who))
        if community_id is not None:
            query = query.where(WarningRow.communities.contains([community_id]))
        query = query.order_by(WarningRow.received_at.desc(), WarningRow.id)
        async with self.db.uow() as uow:
            rows, total = await fetch_page(uow.session, query, params)
            return [(r, await words_of(uow, r)) for r in rows], total

    async def get(self, who: Caller, warning_id: uuid.UUID) -> WarningDetail:
        async with self.db.uow() as uow:
            row = await uow.session.scalar(
                select(WarningRow).where(WarningRow.id == warning_id, self._scope(who))
            )
            if row is None:
                raise warning_not_found()
            infos = list(
                (
                    await uow.session.execute(
                        select(WarningInfoRow)
                        .where(WarningInfoRow.warning_id == row.id)
                        .order_by(WarningInfoRow.position)
                    )
                ).scalars()
            )
            places = []
            for p in (
                await uow.session.execute(
                    select(WarningPlaceRow)
                    .where(WarningPlaceRow.warning_id == row.id)
                    .order_by(WarningPlaceRow.community_id, WarningPlaceRow.building_id)
                )
            ).scalars():
                name = await self.places.name_of(
                    uow, community_id=p.community_id, building_id=p.building_id
                )
                zh, en = say_both(name)
                places.append(ReachedPlace(p.building_id, p.community_id, zh, en))
            told = (
                await uow.session.execute(
                    select(WarningToldRow, CarePerson.name)
                    .join(CarePerson, CarePerson.id == WarningToldRow.person_id)
                    .where(WarningToldRow.warning_id == row.id)
                    .order_by(WarningToldRow.building_id, WarningToldRow.person_id)
                )
            ).all()
            await uow.audit(
                who, "care.warning.read", "care_warning", str(row.id),
                detail={"people": str(len(told))},
            )  # fmt: skip
            await uow.commit()
            return WarningDetail(
                row, infos, await words_of(uow, row), places,
                [ToldPerson(t.person_id, mask_name(n) or "*", t.building_id, len(t.users))
                 for t, n in told],
            )  # fmt: skip


async def words_of(uow: UnitOfWork, row: WarningRow) -> dict[str, str]:
    """What the alert says in plain words (as the elders were told), from the document; a
    Cancel without info blocks in the words of what it cancelled."""
    alert: CapAlert = parse_cap(row.document)
    if not alert.infos and alert.msg_type == "Cancel":
        for sender, identifier, _ in alert.references:
            old = await uow.session.scalar(
                select(WarningRow).where(
                    WarningRow.sender == sender, WarningRow.identifier == identifier
                )
            )
            if old is not None:
                return plain_words(replace(parse_cap(old.document), msg_type="Cancel"))
    return plain_words(alert)
