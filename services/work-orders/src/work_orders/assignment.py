"""Assignment by skill and building: staff whose skills meet the case type's and who
cover the case's building, least loaded first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from sc_core.db.uow import UnitOfWork
from work_orders.db.models import CaseType, StaffSkill, WorkOrder
from work_orders.domain import states


@dataclass
class Candidate:
    user_id: str
    display_name: str | None
    skills: list[str]
    open_cases: int


async def suggest(uow: UnitOfWork, wo: WorkOrder, limit: int = 10) -> list[Candidate]:
    ct = await uow.session.get(CaseType, wo.case_type)
    wanted = set(ct.skills if ct else [])
    if skill := (wo.details or {}).get("skill"):
        wanted = {str(skill)}
    staff = (
        await uow.session.scalars(
            select(StaffSkill).where(
                StaffSkill.community_id == wo.community_id, StaffSkill.active.is_(True)
            )
        )
    ).all()
    fitting = [
        s
        for s in staff
        if (not wanted or wanted & set(s.skills))
        and (not s.building_ids or wo.building_id is None or wo.building_id in s.building_ids)
    ]
    if not fitting:
        return []
    loads = dict(
        (
            await uow.session.execute(
                select(WorkOrder.assignee_id, func.count())
                .where(
                    WorkOrder.assignee_id.in_([s.user_id for s in fitting]),
                    WorkOrder.status.in_(sorted(states.OPEN)),
                )
                .group_by(WorkOrder.assignee_id)
            )
        ).all()
    )
    out = [
        Candidate(s.user_id, s.display_name, s.skills, int(loads.get(s.user_id, 0)))
        for s in fitting
    ]
    out.sort(key=lambda c: (c.open_cases, c.user_id))
    return out[:limit]
