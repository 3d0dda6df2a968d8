"""Emergency preparedness (6.1.4 a, b): plans by type (searchable by type, date, name),
risk-map points and drills with participation, kept by emergency writers in their
communities and read by staff there."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import extract, func, select

from alarm.api.emergency import DrillBody, PlanBody, RiskBody
from alarm.db.emergency import Drill, EmergencyPlan, RiskPoint
from alarm.domain.access import EMERGENCY_WRITERS
from alarm.usecases.records import Records
from alarm.usecases.scope import staff_scope, writer_on
from sc_core.api import PageParams
from sc_core.auth import Caller

WRITER = writer_on(EMERGENCY_WRITERS)


@dataclass(frozen=True)
class PlanSearch:
    plan_type: str | None = None
    name: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    community_id: str | None = None


class Emergency:
    def __init__(self, records: Records) -> None:
        self.records = records
        self.db = records.db

    # plans ---------------------------------------------------------------------------
    async def create_plan(self, who: Caller, body: PlanBody) -> EmergencyPlan:
        plan = EmergencyPlan(id=uuid.uuid4(), **body.model_dump())
        created: EmergencyPlan = await self.records.create(
            who, plan, "emergency_plan", WRITER, roles=EMERGENCY_WRITERS
        )
        return created

    async def search_plans(
        self, who: Caller, search: PlanSearch, paging: PageParams
    ) -> tuple[list[EmergencyPlan], int]:
        p = EmergencyPlan
        query = select(p).where(staff_scope(who.principal, p.community_id))
        if search.plan_type:
            query = query.where(p.plan_type == search.plan_type)
        if search.name:
            escaped = search.name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(p.name.ilike(f"%{escaped}%", escape="\\"))
        if search.effective_from:
            query = query.where(p.effective_on >= search.effective_from)
        if search.effective_to:
            query = query.where(p.effective_on <= search.effective_to)
        if search.community_id:
            query = query.where(p.community_id == search.community_id)
        return await self.records.page(query.order_by(p.effective_on.desc(), p.id), paging)

    # risk map ------------------------------------------------------------------------
    async def add_risk(self, who: Caller, body: RiskBody) -> RiskPoint:
        point = RiskPoint(id=uuid.uuid4(), **body.model_dump())
        created: RiskPoint = await self.records.create(
            who, point, "risk_point", WRITER, roles=EMERGENCY_WRITERS
        )
        return created

    async def risk_map(
        self, who: Caller, community_id: str | None, paging: PageParams
    ) -> tuple[list[RiskPoint], int]:
        query = select(RiskPoint).where(staff_scope(who.principal, RiskPoint.community_id))
        if community_id:
            query = query.where(RiskPoint.community_id == community_id)
        return await self.records.page(query.order_by(RiskPoint.id), paging)

    # drills --------------------------------------------------------------------------
    async def record_drill(self, who: Caller, body: DrillBody) -> Drill:
        values = body.model_dump()
        values["participants"] = [p.model_dump() for p in body.participants]
        drill = Drill(id=uuid.uuid4(), **values)
        created: Drill = await self.records.create(
            who, drill, "drill", WRITER, roles=EMERGENCY_WRITERS
        )
        return created

    async def drills(
        self, who: Caller, year: int | None, community_id: str | None, paging: PageParams
    ) -> tuple[list[Drill], int]:
        query = select(Drill).where(staff_scope(who.principal, Drill.community_id))
        if year:
            query = query.where(extract("year", Drill.held_on) == year)
        if community_id:
            query = query.where(Drill.community_id == community_id)
        return await self.records.page(query.order_by(Drill.held_on.desc(), Drill.id), paging)

    async def compliance(self, who: Caller, year: int, required: int) -> list[dict[str, Any]]:
        """Drills held per community in ``year`` and whether the required number was met."""
        async with self.db.uow(read_only=True) as uow:
            rows = await uow.session.execute(
                select(Drill.community_id, func.count())
                .where(staff_scope(who.principal, Drill.community_id))
                .where(extract("year", Drill.held_on) == year)
                .group_by(Drill.community_id)
                .order_by(Drill.community_id)
            )
            return [
                {"community_id": c, "year": year, "drills": n, "meets_requirement": n >= required}
                for c, n in rows
            ]
