"""A department answers the dispatches addressed to it: its officers (the community's
roster, ``department_officers``) accept, report progress and finish, with text and
photos; each answer is kept on the dispatch, so the incident shows them all. Staff who
keep the registers may record an answer on a department's behalf, as before."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from sqlalchemy import select

from alarm.db.registers import DepartmentOfficer, Incident, IncidentDispatch
from alarm.domain.departments import OFFICER_ROLES
from sc_core.audit import Auditor
from sc_core.auth import Principal, in_scope
from sc_core.db.uow import UnitOfWork
from sc_core.errors import Forbidden, Problem


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


async def answer(
    uow: UnitOfWork,
    auditor: Auditor,
    principal: Principal,
    request: Request,
    incident: Incident,
    dispatch_id: uuid.UUID,
    *,
    on_behalf: bool,
    status: str,
    text: str | None,
    photo_ids: list[str],
) -> IncidentDispatch:
    """One answer to a dispatch: by its department's officer, or by register staff on
    the department's behalf (``on_behalf``)."""
    dispatch = await uow.session.get(IncidentDispatch, dispatch_id, with_for_update=True)
    if dispatch is None or dispatch.incident_id != incident.id:
        raise Problem(404, "incident.dispatch_not_found", f"No dispatch {dispatch_id}")
    if not on_behalf and dispatch.department not in await departments_of(
        uow, principal, incident.community_id
    ):
        raise Forbidden(
            "incident.not_your_department",
            "This dispatch is addressed to another department",
        )
    now = datetime.now(UTC)
    dispatch.status, dispatch.response = status, text
    dispatch.updated_by, dispatch.updated_at = principal.subject, now
    step: dict[str, Any] = {
        "at": now.isoformat(),
        "by": principal.subject,
        "status": status,
        "text": text,
        "photo_ids": photo_ids,
    }
    dispatch.responses = [*(dispatch.responses or []), step]
    await auditor.within(
        uow,
        action="incident.dispatch_update",
        resource_type="incident",
        resource_id=str(incident.id),
        principal=principal,
        request=request,
        community_id=incident.community_id,
        detail={"status": status, "department": dispatch.department},
    )
    await uow.commit()
    return dispatch


async def add_officer(
    uow: UnitOfWork,
    auditor: Auditor,
    principal: Principal,
    request: Request,
    *,
    community_id: str,
    department: str,
    user_id: str,
) -> DepartmentOfficer:
    d = DepartmentOfficer
    exists = await uow.session.scalar(
        select(d.id).where(
            d.community_id == community_id, d.department == department, d.user_id == user_id
        )
    )
    if exists is not None:
        raise Problem(409, "department.officer_exists", "This officer is on the roster already")
    officer = DepartmentOfficer(
        id=uuid.uuid4(),
        community_id=community_id,
        department=department,
        user_id=user_id,
        created_by=principal.subject,
        created_at=datetime.now(UTC),
    )
    uow.session.add(officer)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="department_officer.create",
        resource_type="department_officer",
        resource_id=str(officer.id),
        principal=principal,
        request=request,
        community_id=community_id,
        detail={"department": department},
    )
    await uow.commit()
    return officer


async def remove_officer(
    uow: UnitOfWork,
    auditor: Auditor,
    principal: Principal,
    request: Request,
    officer: DepartmentOfficer,
) -> None:
    await uow.session.delete(officer)
    await auditor.within(
        uow,
        action="department_officer.delete",
        resource_type="department_officer",
        resource_id=str(officer.id),
        principal=principal,
        request=request,
        community_id=officer.community_id,
        detail={"department": officer.department},
    )
    await uow.commit()
