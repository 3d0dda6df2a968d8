"""``/api/v1/department-officers``: a community's roster of who answers for each
department (fire, police ...): the dispatches addressed to a department are theirs."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from alarm.api.deps import ROSTER_WRITERS, RosterWriter, ensure_place
from alarm.db.registers import DepartmentOfficer
from alarm.domain.departments import Department
from alarm.engine import dispatches
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import scope_clause
from sc_core.errors import Problem

router = APIRouter(tags=["incidents"])


class OfficerBody(BaseModel):
    community_id: str = Field(min_length=1, max_length=64)
    department: Department
    user_id: str = Field(min_length=1, max_length=64, description="The officer's account id.")


class OfficerRead(OfficerBody):
    id: uuid.UUID


def _read(o: Any) -> OfficerRead:
    return OfficerRead.model_validate(o, from_attributes=True)


@router.post("/api/v1/department-officers", status_code=201, response_model=OfficerRead)
async def add_officer(
    body: OfficerBody,
    principal: RosterWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> OfficerRead:
    ensure_place(principal, body.community_id, allowed=ROSTER_WRITERS)
    officer = await dispatches.add_officer(
        uow, auditor, principal, request, **body.model_dump(mode="json")
    )
    return _read(officer)


@router.get("/api/v1/department-officers", response_model=Page[OfficerRead])
async def list_officers(
    principal: RosterWriter,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: str | None = None,
    department: Department | None = None,
) -> Page[OfficerRead]:
    d = DepartmentOfficer
    query = select(d).where(
        scope_clause(
            principal, community_col=d.community_id, building_col=None, roles=ROSTER_WRITERS
        )
    )
    if community_id:
        query = query.where(d.community_id == community_id)
    if department:
        query = query.where(d.department == department)
    items, total = await fetch_page(
        uow.session, query.order_by(d.community_id, d.department, d.user_id, d.id), paging
    )
    return Page[OfficerRead].of([_read(o) for o in items], total, paging)


@router.delete("/api/v1/department-officers/{officer_id}", status_code=204)
async def remove_officer(
    officer_id: uuid.UUID,
    principal: RosterWriter,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> Response:
    officer = await uow.session.get(DepartmentOfficer, officer_id)
    if officer is None:
        raise Problem(404, "department.officer_not_found", f"No roster entry {officer_id}")
    ensure_place(principal, officer.community_id, allowed=ROSTER_WRITERS)
    await dispatches.remove_officer(uow, auditor, principal, request, officer)
    return Response(status_code=204)
