"""The incident register (6.1.1 b) and its dispatches to departments (6.1.1 c): incidents
are recorded and read by register readers in their places (every read audited), counted
by period and type, routed to departments; a department's officers (the community's
roster) answer the dispatches addressed to it, with text and photos, each answer kept on
the dispatch. Register staff may record an answer on a department's behalf."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select

from alarm.api.registers import DispatchUpdate, IncidentBody
from alarm.db.registers import Incident, IncidentDispatch
from alarm.domain.access import REGISTER_READERS
from alarm.usecases.departments import departments_of, incident_for_officer
from alarm.usecases.records import Records
from alarm.usecases.scope import grid_scope, writer_in_grid
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal, scope_clause
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem

WRITER = writer_in_grid(REGISTER_READERS)


@dataclass(frozen=True)
class IncidentSearch:
    incident_type: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def incident_scope(principal: Principal) -> Any:
    return or_(
        scope_clause(
            principal,
            community_col=Incident.community_id,
            building_col=Incident.building_id,
            roles=REGISTER_READERS,
        ),
        grid_scope(principal, Incident.building_id, REGISTER_READERS),
    )


def _not_found(incident_id: uuid.UUID) -> Problem:
    return Problem(
        404,
        "incident.not_found",
        f"No incident {incident_id} in your places",
        zh="您负责的范围内没有该事件",
    )


async def _for_staff(
    uow: UnitOfWork, principal: Principal, incident_id: uuid.UUID
) -> Incident | None:
    """The incident when the caller keeps the registers of its place."""
    if not (principal.has_role(*REGISTER_READERS) or principal.is_platform_admin):
        return None
    found: Incident | None = await uow.session.scalar(
        select(Incident).where(Incident.id == incident_id, incident_scope(principal))
    )
    return found


class Incidents:
    def __init__(self, records: Records) -> None:
        self.records = records
        self.db = records.db

    async def record(self, who: Caller, body: IncidentBody) -> Incident:
        incident = Incident(
            id=uuid.uuid4(),
            source="manual",
            status="open",
            created_by=who.subject,
            **body.model_dump(),
        )
        created: Incident = await self.records.create(
            who, incident, "incident", WRITER, roles=REGISTER_READERS
        )
        return created

    async def page(
        self, who: Caller, search: IncidentSearch, paging: PageParams
    ) -> tuple[list[Incident], int]:
        query = select(Incident).where(incident_scope(who.principal))
        if search.incident_type:
            query = query.where(Incident.incident_type == search.incident_type)
        if search.since:
            query = query.where(Incident.occurred_at >= search.since)
        if search.until:
            query = query.where(Incident.occurred_at < search.until)
        query = query.order_by(Incident.occurred_at.desc(), Incident.id)
        async with self.db.uow(read_only=True) as uow:
            items, total = await fetch_page(uow.session, query, paging)
            detail = {"count": str(len(items))}
            await uow.audit(who, "incident.read", "incident", None, detail=detail)
            await uow.commit()
            return list(items), total

    async def stats(
        self, who: Caller, since: datetime, until: datetime, period: str, timezone: str
    ) -> list[tuple[datetime, str, int]]:
        """Incidents counted by period (in ``timezone``) and type: (bucket, type, count)."""
        bucket = func.date_trunc(period, func.timezone(timezone, Incident.occurred_at))
        async with self.db.uow(read_only=True) as uow:
            rows = await uow.session.execute(
                select(bucket.label("period"), Incident.incident_type, func.count())
                .where(incident_scope(who.principal), Incident.occurred_at >= since)
                .where(Incident.occurred_at < until)
                .group_by(bucket, Incident.incident_type)
                .order_by(bucket, Incident.incident_type)
            )
            return [(r[0], r[1], r[2]) for r in rows]

    async def get(
        self, who: Caller, incident_id: uuid.UUID
    ) -> tuple[Incident, Sequence[IncidentDispatch]]:
        """An incident with its dispatches and their answers: to register readers of its
        place, and to the officers of a department it is routed to."""
        async with self.db.uow(read_only=True) as uow:
            incident = await _for_staff(uow, who.principal, incident_id)
            incident = incident or await incident_for_officer(uow, who.principal, incident_id)
            if incident is None:
                raise _not_found(incident_id)
            dispatches = (
                await uow.session.scalars(
                    select(IncidentDispatch)
                    .where(IncidentDispatch.incident_id == incident.id)
                    .order_by(IncidentDispatch.created_at)
                )
            ).all()
            await uow.audit(
                who,
                "incident.read",
                "incident",
                str(incident.id),
                community_id=incident.community_id,
            )
            await uow.commit()
            return incident, dispatches

    async def route(self, who: Caller, incident_id: uuid.UUID, department: str) -> IncidentDispatch:
        """Route an incident to a department (multi-department linkage)."""
        async with self.db.uow() as uow:
            incident = await _for_staff(uow, who.principal, incident_id)
            if incident is None:
                raise _not_found(incident_id)
            dispatch = IncidentDispatch(
                id=uuid.uuid4(),
                incident_id=incident.id,
                department=department,
                status="routed",
                updated_by=who.subject,
                updated_at=datetime.now(UTC),
            )
            uow.session.add(dispatch)
            await uow.session.flush()
            await uow.audit(
                who,
                "incident.dispatch",
                "incident",
                str(incident.id),
                community_id=incident.community_id,
                detail={"department": department},
            )
            await uow.commit()
            return dispatch

    async def answer(
        self, who: Caller, incident_id: uuid.UUID, dispatch_id: uuid.UUID, body: DispatchUpdate
    ) -> IncidentDispatch:
        """One answer to a dispatch: by its department's officer, or by register staff on
        the department's behalf."""
        async with self.db.uow() as uow:
            staff = await _for_staff(uow, who.principal, incident_id)
            incident = staff or await incident_for_officer(uow, who.principal, incident_id)
            if incident is None:
                raise _not_found(incident_id)
            dispatch = await uow.session.get(IncidentDispatch, dispatch_id, with_for_update=True)
            if dispatch is None or dispatch.incident_id != incident.id:
                raise Problem(
                    404,
                    "incident.dispatch_not_found",
                    "There is no such dispatch",
                    zh="找不到该派发任务",
                )
            if staff is None and dispatch.department not in await departments_of(
                uow, who.principal, incident.community_id
            ):
                raise Forbidden(
                    "incident.not_your_department",
                    "This dispatch is addressed to another department",
                    zh="该任务是派给其他部门的",
                )
            now = datetime.now(UTC)
            dispatch.status, dispatch.response = body.status, body.response
            dispatch.updated_by, dispatch.updated_at = who.subject, now
            step: dict[str, Any] = {
                "at": now.isoformat(),
                "by": who.subject,
                "status": body.status,
                "text": body.response,
                "photo_ids": body.photo_ids,
            }
            dispatch.responses = [*(dispatch.responses or []), step]
            await uow.audit(
                who,
                "incident.dispatch_update",
                "incident",
                str(incident.id),
                community_id=incident.community_id,
                detail={"status": body.status, "department": dispatch.department},
            )
            await uow.commit()
            return dispatch
