"""Department linkage (6.1.1 c): a community's roster of who answers for each department
(fire, police ...), kept by roster writers; the dispatches addressed to a department are
its officers' (``department_officers``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from alarm.db.models import DIRECTORY
from alarm.db.registers import DepartmentOfficer, Incident, IncidentDispatch
from alarm.domain.access import ROSTER_WRITERS, ensure_place
from alarm.domain.departments import OFFICER_ROLES
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller, Principal, in_scope, scope_clause
from sc_core.db.engine import Database
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Problem


async def departments_of(uow: UnitOfWork, principal: Principal, community_id: str) -> set[str]:
    """The departments the caller answers for in this community (none unless they hold
    an officer's role there and the roster names them)."""
    if not in_scope(principal, community_id=community_id, roles=OFFICER_ROLES):
        return set()
    d = DepartmentOfficer
    rows = await uow.session.scalars(
        select(d.department).where(d.community_id == community_id, d.user_id == principal.subject)
    )
    return set(rows)


async def incident_for_officer(
    uow: UnitOfWork, principal: Principal, incident_id: uuid.UUID
) -> Incident | None:
    """The incident when one of its dispatches is addressed to a department the caller
    answers for."""
    incident = await uow.session.get(Incident, incident_id)
    if incident is None:
        return None
    mine = await departments_of(uow, principal, incident.community_id)
    if not mine:
        return None
    found = await uow.session.scalar(
        select(IncidentDispatch.id)
        .where(
            IncidentDispatch.incident_id == incident_id,
            IncidentDispatch.department.in_(sorted(mine)),
        )
        .limit(1)
    )
    return incident if found is not None else None


class Roster:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, who: Caller, *, community_id: str | None, department: str, user_id: str
    ) -> DepartmentOfficer:
        """Name an officer; left out, the community is the one the caller keeps the roster
        of (422 ``place.ambiguous`` / ``place.required`` naming ``community_id``)."""
        d = DepartmentOfficer
        async with self.db.uow() as uow:
            community_id = await DIRECTORY.default_community(
                uow, who.principal, community_id, roles=ROSTER_WRITERS
            )
            ensure_place(who.principal, community_id, allowed=ROSTER_WRITERS)
            exists = await uow.session.scalar(
                select(d.id).where(
                    d.community_id == community_id,
                    d.department == department,
                    d.user_id == user_id,
                )
            )
            if exists is not None:
                raise Problem(
                    409,
                    "department.officer_exists",
                    "This officer is on the roster already",
                    zh="该人员已在部门名单中",
                )
            officer = DepartmentOfficer(
                id=uuid.uuid4(),
                community_id=community_id,
                department=department,
                user_id=user_id,
                created_by=who.subject,
                created_at=datetime.now(UTC),
            )
            uow.session.add(officer)
            await uow.session.flush()
            await uow.audit(
                who,
                "department_officer.create",
                "department_officer",
                str(officer.id),
                community_id=community_id,
                detail={"department": department},
            )
            await uow.commit()
            return officer

    async def page(
        self, who: Caller, community_id: str | None, department: str | None, paging: PageParams
    ) -> tuple[list[DepartmentOfficer], int]:
        d = DepartmentOfficer
        query = select(d).where(
            scope_clause(
                who.principal, community_col=d.community_id, building_col=None, roles=ROSTER_WRITERS
            )
        )
        if community_id:
            query = query.where(d.community_id == community_id)
        if department:
            query = query.where(d.department == department)
        query = query.order_by(d.community_id, d.department, d.user_id, d.id)
        async with self.db.uow(read_only=True) as uow:
            items, total = await fetch_page(uow.session, query, paging)
            return list(items), total

    async def remove(self, who: Caller, officer_id: uuid.UUID) -> None:
        async with self.db.uow() as uow:
            officer = await uow.session.get(DepartmentOfficer, officer_id)
            if officer is None:
                raise Problem(
                    404,
                    "department.officer_not_found",
                    "There is no such roster entry",
                    zh="部门名单中没有该人员",
                )
            ensure_place(who.principal, officer.community_id, allowed=ROSTER_WRITERS)
            await uow.session.delete(officer)
            await uow.audit(
                who,
                "department_officer.delete",
                "department_officer",
                str(officer.id),
                community_id=officer.community_id,
                detail={"department": officer.department},
            )
            await uow.commit()
