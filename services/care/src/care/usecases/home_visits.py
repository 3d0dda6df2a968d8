"""Home and follow-up visits (上门随访) a doctor schedules for a person (consent on
``visits``): the person and their family told who comes and when; the assignee records it
(``Watch.complete``, as for check-on visits) and the note joins the health record."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from care.db.models import VisitRow
from care.domain import consent as c
from care.domain import visits as vd
from care.domain.notices import visit_scheduled_notice
from care.domain.records import VisitKind, VisitNote
from care.usecases.common import authorise, load, not_found, now_utc, send
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem


@dataclass(frozen=True)
class NewVisit:
    purpose: vd.Purpose
    due: datetime
    reason: str
    reason_en: str | None = None
    assignee: str | None = None  # the scheduling doctor when not given
    assignee_name: str = "医生"


async def visit_notes(uow: UnitOfWork, person_id: str) -> list[VisitNote]:
    """The person's recorded visits as notes of their health record."""
    rows = (
        await uow.session.execute(
            select(VisitRow)
            .where(VisitRow.person_id == person_id, VisitRow.status == "done")
            .order_by(VisitRow.done_at)
        )
    ).scalars()
    return [
        VisitNote(
            str(r.id), r.done_at, VisitKind.HOME, r.assignee_name or r.assignee or "", r.record
        )
        for r in rows
        if r.done_at is not None and r.record
    ]


class HomeVisits:
    def __init__(self, db: Database, tz: ZoneInfo, clock: Callable[[], datetime] = now_utc):
        self.db = db
        self.tz = tz
        self.clock = clock

    async def schedule(self, who: Caller, person_id: str, body: NewVisit) -> VisitRow:
        if not who.principal.has_role("doctor"):
            raise Forbidden(
                "auth.forbidden",
                "Only a doctor schedules a home visit",
                zh="只有医生可以安排上门随访",
            )
        if body.purpose is vd.Purpose.CHECK_ON:
            raise Problem(
                422, "care.visit_purpose", "Check-on visits are opened by the watch",
                zh="探视任务由独居老人监测自动生成",
            )  # fmt: skip
        if body.due <= self.clock():
            raise Problem(
                422, "care.visit_past", "A visit is scheduled ahead", zh="随访时间须晚于当前时间"
            )
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.VISITS, action="care.visit.schedule")
            p = record.row
            row = VisitRow(
                id=uuid.uuid4(), person_id=person_id, community_id=p.community_id,
                building_id=p.building_id, grid_id=None, purpose=body.purpose.value,
                assignee=body.assignee or who.subject, assignee_name=body.assignee_name,
                due=body.due, status=vd.VisitStatus.SCHEDULED.value, reason=body.reason,
            )  # fmt: skip
            uow.session.add(row)
            family = c.alert_recipients(
                record.subject, record.grants, c.Category.VISITS, self.clock()
            )
            users = [u for u in (p.user_id, *(p.guardians or [])) if u]
            users += [r.user_id for r in family]
            notice = visit_scheduled_notice(
                str(row.id), p.name, body.assignee_name, body.due,
                (body.reason, body.reason_en or body.reason), users, self.tz,
            )  # fmt: skip
            if notice is not None:
                await send(uow, notice, p.community_id, str(row.id))
            await uow.audit(
                who, "care.visit.schedule", "care_visit", str(row.id),
                community_id=p.community_id, detail={"purpose": body.purpose.value},
            )  # fmt: skip
            await uow.commit()
            return row

    async def of_person(
        self, who: Caller, person_id: str, limit: int, offset: int
    ) -> tuple[list[VisitRow], int]:
        """A person's visits with their notes, newest first (consent on ``visits``)."""
        async with self.db.uow() as uow:
            record = await load(uow, person_id)
            if record is None:
                raise not_found()
            await authorise(uow, who, record, c.Category.VISITS, action="care.visit.list")
            q: Any = select(VisitRow).where(VisitRow.person_id == person_id)
            total = (
                await uow.session.execute(select(func.count()).select_from(q.subquery()))
            ).scalar_one()
            rows = (
                await uow.session.execute(
                    q.order_by(VisitRow.due.desc(), VisitRow.id).limit(limit).offset(offset)
                )
            ).scalars().all()  # fmt: skip
            await uow.commit()
            return list(rows), int(total)
