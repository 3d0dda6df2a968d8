"""Case types (data, admin-editable) and staff skills (assignment by skill and building).

Case types: data, read by everyone, created and changed by platform admins. (The first
paragraph is the tag's description in the OpenAPI, shared with ``staff_skills``.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from sc_core.api import Page, Paging
from sc_core.auth import CurrentPrincipal
from work_orders.api import views
from work_orders.api.deps import CaseTypesDep, PlatformAdmin
from work_orders.api.schemas.catalogue import CaseTypeRead, CaseTypeWrite

router = APIRouter(prefix="/api/v1/case-types", tags=["case types and staff"])
Code = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,31}$")]


@router.get("", response_model=Page[CaseTypeRead], summary="Case types")
async def list_case_types(
    principal: CurrentPrincipal,
    case_types: CaseTypesDep,
    paging: Paging,
    creatable: Annotated[
        bool,
        Query(description="only the types the caller may open (what a resident's app offers)"),
    ] = False,
) -> Page[CaseTypeRead]:
    """Every case type, each with ``can_create`` for the caller; ``creatable=true`` lists
    only those (a resident sees repairs, complaints and suggestions, not hotline tickets)."""
    rows, total = await case_types.page(paging, creatable_by=principal if creatable else None)
    return Page[CaseTypeRead].of([views.case_type(r, principal) for r in rows], total, paging)


@router.put("/{code}", response_model=CaseTypeRead, summary="Create or change a case type")
async def put_case_type(
    code: Code, body: CaseTypeWrite, who: PlatformAdmin, case_types: CaseTypesDep
) -> CaseTypeRead:
    return views.case_type(await case_types.put(who, code, body), who.principal)
