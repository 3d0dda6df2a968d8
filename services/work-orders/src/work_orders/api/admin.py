"""Case types (data, admin-editable) and staff skills (assignment by skill and building)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import select

from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import CurrentPrincipal, Principal, ensure_in_scope, require_roles
from work_orders.api.schemas import (
    CaseTypeRead,
    CaseTypeWrite,
    StaffSkillRead,
    StaffSkillWrite,
)
from work_orders.db.models import CaseType, StaffSkill
from work_orders.domain.states import MANAGER_ROLES

router = APIRouter(prefix="/api/v1", tags=["case types and staff"])
PlatformAdmin = Annotated[Principal, Depends(require_roles("platform_admin"))]
Manager = Annotated[Principal, Depends(require_roles(*sorted(MANAGER_ROLES)))]
Code = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,31}$")]


def _ct(row: CaseType) -> CaseTypeRead:
    return CaseTypeRead.model_validate(
        {
            "code": row.code,
            "name": row.name,
            "name_zh": row.name_zh,
            "creator_roles": row.creator_roles,
            "default_priority": row.default_priority,
            "sla": row.sla,
            "skills": row.skills,
            "needs_external_ref": row.needs_external_ref,
            "active": row.active,
            "updated_at": row.updated_at,
        }
    )


@router.get("/case-types", response_model=Page[CaseTypeRead], summary="Case types")
async def list_case_types(
    principal: CurrentPrincipal, uow: UnitOfWorkDep, paging: Paging
) -> Page[CaseTypeRead]:
    rows, total = await fetch_page(uow.session, select(CaseType).order_by(CaseType.code), paging)
    return Page[CaseTypeRead].of([_ct(r) for r in rows], total, paging)


@router.put(
    "/case-types/{code}", response_model=CaseTypeRead, summary="Create or change a case type"
)
async def put_case_type(
    code: Code,
    body: CaseTypeWrite,
    principal: PlatformAdmin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> CaseTypeRead:
    row = await uow.session.get(CaseType, code)
    values = body.model_dump(mode="json")
    if row is None:
        row = CaseType(code=code, **values)
        uow.session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    row.updated_at = datetime.now(UTC)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="case_type.put",
        resource_type="case_type",
        resource_id=code,
        principal=principal,
        request=request,
    )
    await uow.commit()
    return _ct(row)


def _skill(row: StaffSkill) -> StaffSkillRead:
    return StaffSkillRead(
        user_id=row.user_id,
        community_id=row.community_id,
        display_name=row.display_name,
        skills=row.skills,
        building_ids=row.building_ids,
        active=row.active,
    )


@router.put(
    "/staff-skills/{user_id}",
    response_model=StaffSkillRead,
    summary="A staff member's skills and buildings",
)
async def put_staff_skill(
    user_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: StaffSkillWrite,
    principal: Manager,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> StaffSkillRead:
    ensure_in_scope(principal, community_id=body.community_id, roles=MANAGER_ROLES)
    row = await uow.session.get(StaffSkill, (body.community_id, user_id))
    if row is None:
        row = StaffSkill(community_id=body.community_id, user_id=user_id)
        uow.session.add(row)
    row.display_name = body.display_name
    row.skills = body.skills
    row.building_ids = body.building_ids
    row.active = body.active
    row.updated_at = datetime.now(UTC)
    await uow.session.flush()
    await auditor.within(
        uow,
        action="staff_skill.put",
        resource_type="staff_skill",
        resource_id=user_id,
        principal=principal,
        request=request,
        community_id=body.community_id,
    )
    await uow.commit()
    return _skill(row)


@router.get(
    "/staff-skills", response_model=Page[StaffSkillRead], summary="Staff skills of a community"
)
async def list_staff_skills(
    principal: Manager,
    uow: UnitOfWorkDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> Page[StaffSkillRead]:
    ensure_in_scope(principal, community_id=community_id, roles=MANAGER_ROLES)
    query = (
        select(StaffSkill)
        .where(StaffSkill.community_id == community_id)
        .order_by(StaffSkill.user_id)
    )
    rows, total = await fetch_page(uow.session, query, paging)
    return Page[StaffSkillRead].of([_skill(r) for r in rows], total, paging)
