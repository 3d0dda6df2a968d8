"""Case types (data, admin-editable) and staff skills (assignment by skill and building).

Case types: data, read by everyone, created and changed by platform admins. (The first
paragraph is the tag's description in the OpenAPI, shared with ``staff_skills``.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from sc_core.api import Page, Paging
from sc_core.auth import CurrentPrincipal
from work_orders.api import views
from work_orders.api.deps import CaseTypesDep, PlatformAdmin
from work_orders.api.schemas.catalogue import CaseTypeRead, CaseTypeWrite

router = APIRouter(prefix="/api/v1/case-types", tags=["case types and staff"])
Code = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,31}$")]


@router.get("", response_model=Page[CaseTypeRead], summary="Case types")
async def list_case_types(
    principal: CurrentPrincipal, case_types: CaseTypesDep, paging: Paging
) -> Page[CaseTypeRead]:
    rows, total = await case_types.page(paging)
    return Page[CaseTypeRead].of([views.case_type(r) for r in rows], total, paging)


@router.put("/{code}", response_model=CaseTypeRead, summary="Create or change a case type")
async def put_case_type(
    code: Code, body: CaseTypeWrite, who: PlatformAdmin, case_types: CaseTypesDep
) -> CaseTypeRead:
    return views.case_type(await case_types.put(who, code, body))
