"""Falls linked to the care record (6.2.4, item 8): the alarm service's fall alarms for a
wearable bound to a person (or about the person) are kept on the person's record, told
once per alarm to the people the consent names, and read through consent on vitals (the
person's falls, and FHIR Observations in their Bundle)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from care.adapters.fhir_falls import fall_observation
from care.db.models import CarePerson, DeviceBinding, FallRow
from care.domain import consent as c
from care.domain.falls import Fall, is_fall, status_of
from care.domain.messages import DEFAULT_TZ
from care.domain.notices import fall_notice
from care.usecases.common import authorise, load, not_found, now_utc, send
from sc_contracts.events import AlarmClearedV1, AlarmStateV1
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.paging import PageParams, PageTotal, fetch_page


def fall_of(row: FallRow) -> Fall:
    return Fall(
        row.alarm_id, row.person_id, row.device_id, row.first_at, row.last_at, row.count,
        row.status, row.false_alarm,
    )  # fmt: skip


async def fall_resources(uow: UnitOfWork, person_id: str) -> list[dict[str, Any]]:
    """The person's falls as FHIR Observations (for the Bundle; the caller checked consent
    on vitals)."""
    rows = await uow.session.execute(
        select(FallRow).where(FallRow.person_id == person_id).order_by(FallRow.first_at.desc())
    )
    return [fall_observation(fall_of(r)) for r in rows.scalars()]


class Falls:
    def __init__(
        self, db: Database, tz: ZoneInfo = DEFAULT_TZ, clock: Callable[[], datetime] = now_utc
    ) -> None:
        self.db = db
        self.tz = tz
        self.clock = clock

    async def _person(self, uow: UnitOfWork, event: AlarmStateV1) -> tuple[str, str | None] | None:
        """Whose fall: the person the alarm is about, or the wearer of its device."""
        if event.originator_type == "person":
            row = await uow.session.get(CarePerson, event.originator_id)
            return (row.id, None) if row is not None else None
        if event.originator_type == "device":
            bound = await uow.session.get(DeviceBinding, event.originator_id)
            return (bound.person_id, bound.device_id) if bound is not None else None
        return None

    async def on_alarm(self, uow: UnitOfWork, event: AlarmStateV1) -> None:
        """One row per alarm; the first raise tells the people the consent names, the later
        steps keep it current. Alarms of other kinds, or of no one's device, are not care's."""
        if not is_fall(event.alarm_type):
            return
        row = await uow.session.get(FallRow, event.alarm_id, with_for_update=True)
        if row is None:
            whose = await self._person(uow, event)
            if whose is None:
                return
            row = FallRow(
                alarm_id=event.alarm_id, person_id=whose[0], community_id=event.community_id,
                device_id=whose[1], first_at=event.first_at, last_at=event.last_at,
                count=event.count, status=status_of(event.status.value),
            )  # fmt: skip
            uow.session.add(row)
            await self._tell(uow, row)
        row.last_at = max(row.last_at, event.last_at)
        row.count = max(row.count, event.count)
        if row.status != "cleared":  # a late step never reopens a cleared fall
            row.status = status_of(event.status.value)
        if isinstance(event, AlarmClearedV1):
            row.status, row.cleared_at = "cleared", event.cleared_at or event.last_at
            row.false_alarm = event.false_alarm

    async def _tell(self, uow: UnitOfWork, row: FallRow) -> None:
        record = await load(uow, row.person_id)
        if record is None:
            return
        told = c.alert_recipients(record.subject, record.grants, c.Category.VITALS, self.clock())
        notice = fall_notice(row.alarm_id, record.row.name, row.first_at, told, self.tz)
        if notice is not None:
            await send(uow, notice, row.community_id, row.alarm_id)

    async def history(
        self, who: Caller, person_id: str, params: PageParams
    ) -> tuple[list[FallRow], PageTotal]:
        """The person's falls, newest first, through consent on vitals (audited)."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.VITALS, action="care.fall.list")
            query = (
                select(FallRow)
                .where(FallRow.person_id == person_id)
                .order_by(FallRow.first_at.desc(), FallRow.alarm_id)
            )
            rows, total = await fetch_page(uow.session, query, params)
            await uow.commit()
            return rows, total
