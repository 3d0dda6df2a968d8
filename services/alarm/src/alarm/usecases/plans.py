"""Notification plans (who is told of which alarms, in stages) and the duty roster
(24-hour duty, 值班表): written by plan writers in their places, read by staff."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from alarm.api.schemas import PlanBody, ShiftBody
from alarm.db.models import DutyShift, NotificationPlan
from alarm.domain.access import PLAN_WRITERS, STAFF, ensure_place
from alarm.usecases.records import Records
from sc_core.api import PageParams
from sc_core.auth import Caller, Principal, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem


async def plan_writer_on(
    uow: UnitOfWork, principal: Principal, community: str, building: str | None
) -> None:
    ensure_place(principal, community, building, allowed=PLAN_WRITERS)


def _plan_values(body: PlanBody) -> dict[str, Any]:
    values = body.model_dump()
    values["stages"] = [s.model_dump() for s in body.stages]
    values["updated_at"] = datetime.now(UTC)
    return values


@dataclass(frozen=True)
class ShiftSearch:
    community_id: str | None = None
    at: datetime | None = None


class Plans:
    def __init__(self, records: Records) -> None:
        self.records = records
        self.db = records.db

    # notification plans --------------------------------------------------------------
    async def create_plan(self, who: Caller, body: PlanBody) -> NotificationPlan:
        plan = NotificationPlan(id=uuid.uuid4(), **_plan_values(body))
        created: NotificationPlan = await self.records.create(
            who, plan, "notification_plan", plan_writer_on, roles=PLAN_WRITERS
        )
        return created

    async def update_plan(
        self, who: Caller, plan_id: uuid.UUID, body: PlanBody
    ) -> NotificationPlan:
        async with self.db.uow() as uow:
            plan = await uow.session.get(NotificationPlan, plan_id)
            if plan is None:
                raise Problem(
                    404,
                    "notification_plan.not_found",
                    "There is no such notification plan",
                    zh="找不到该通知方案",
                )
            ensure_place(who.principal, plan.community_id, plan.building_id, allowed=PLAN_WRITERS)
            values = _plan_values(body)
            if values["community_id"] is None:  # left out: the plan stays in its community
                values["community_id"] = plan.community_id
            ensure_place(
                who.principal, values["community_id"], body.building_id, allowed=PLAN_WRITERS
            )
            for key, value in values.items():
                setattr(plan, key, value)
            await uow.audit(
                who,
                "notification_plan.update",
                "notification_plan",
                str(plan.id),
                community_id=plan.community_id,
            )
            await uow.commit()
            return plan

    async def plans(
        self, who: Caller, community_id: str | None, paging: PageParams
    ) -> tuple[list[NotificationPlan], int]:
        p = NotificationPlan
        query = select(p).where(
            scope_clause(who.principal, community_col=p.community_id, roles=STAFF)
        )
        if community_id:
            query = query.where(p.community_id == community_id)
        return await self.records.page(query.order_by(p.created_at, p.id), paging)

    # the duty roster -----------------------------------------------------------------
    async def add_shift(self, who: Caller, body: ShiftBody) -> DutyShift:
        shift = DutyShift(id=uuid.uuid4(), **body.model_dump())
        created: DutyShift = await self.records.create(
            who, shift, "duty_shift", plan_writer_on, roles=PLAN_WRITERS
        )
        return created

    async def shifts(
        self, who: Caller, search: ShiftSearch, paging: PageParams
    ) -> tuple[list[DutyShift], int]:
        """The roster; with ``at``, who is on duty at that moment."""
        d = DutyShift
        query = select(d).where(
            scope_clause(who.principal, community_col=d.community_id, roles=STAFF)
        )
        if search.community_id:
            query = query.where(d.community_id == search.community_id)
        if search.at is not None:
            query = query.where(d.starts_at <= search.at, d.ends_at > search.at)
        return await self.records.page(query.order_by(d.starts_at, d.id), paging)

    async def remove_shift(self, who: Caller, shift_id: uuid.UUID) -> None:
        async with self.db.uow() as uow:
            shift = await uow.session.get(DutyShift, shift_id)
            if shift is None:
                raise Problem(
                    404,
                    "duty_shift.not_found",
                    "There is no such duty shift",
                    zh="找不到该值班班次",
                )
            ensure_place(who.principal, shift.community_id, allowed=PLAN_WRITERS)
            await uow.session.delete(shift)
            await uow.audit(
                who,
                "duty_shift.delete",
                "duty_shift",
                str(shift.id),
                community_id=shift.community_id,
            )
            await uow.commit()
