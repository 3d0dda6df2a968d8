"""Staff skills: what each staff member handles and where (assignment by skill and
building), kept by the community's managers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sc_core.api import Page, Paging
from work_orders.api import views
from work_orders.api.deps import Manager, StaffSkillsDep
from work_orders.api.schemas.catalogue import StaffSkillRead, StaffSkillWrite

router = APIRouter(prefix="/api/v1/staff-skills", tags=["case types and staff"])


@router.put(
    "/{user_id}", response_model=StaffSkillRead, summary="A staff member's skills and buildings"
)
async def put_staff_skill(
    user_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: StaffSkillWrite,
    who: Manager,
    skills: StaffSkillsDep,
) -> StaffSkillRead:
    return views.staff_skill(await skills.put(who, user_id, body))


@router.get("", response_model=Page[StaffSkillRead], summary="Staff skills of a community")
async def list_staff_skills(
    who: Manager,
    skills: StaffSkillsDep,
    paging: Paging,
    community_id: Annotated[str, Query(min_length=1, max_length=64)],
) -> Page[StaffSkillRead]:
    rows, total = await skills.page(who, community_id, paging)
    return Page[StaffSkillRead].of([views.staff_skill(r) for r in rows], total, paging)
