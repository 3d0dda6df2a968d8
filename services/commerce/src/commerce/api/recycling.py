"""Recycling (再生资源回收): drop-offs weighed by staff, households' credit statements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from commerce.api import views
from commerce.api.deps import RecyclingDep
from commerce.api.schemas.recycling import (
    CreditStatement,
    DropOffCreate,
    DropOffRead,
    RedemptionCreate,
    RedemptionRead,
)
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller

router = APIRouter(prefix="/api/v1/commerce/recycling", tags=["commerce recycling"])


@router.post("/drop-offs", status_code=201, response_model=DropOffRead, summary="Record (staff)")
async def record(body: DropOffCreate, who: CurrentCaller, recycling: RecyclingDep) -> DropOffRead:
    return views.drop_off(await recycling.record(who, body))


@router.post(
    "/redemptions",
    status_code=201,
    response_model=RedemptionRead,
    summary="Spend a household's credits at a recycling point (staff; never past its balance)",
)
async def redeem(
    body: RedemptionCreate, who: CurrentCaller, recycling: RecyclingDep
) -> RedemptionRead:
    done = await recycling.redeem(who, body)
    return views.redemption(done.redemption, done.balance_after)


@router.get(
    "/households/{household_id}/credits",
    response_model=CreditStatement,
    summary="A household's credit statement (the household, or its community's staff)",
)
async def statement(
    household_id: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")],
    who: CurrentCaller,
    recycling: RecyclingDep,
    paging: Paging,
) -> CreditStatement:
    s = await recycling.statement(who, household_id, paging)
    return CreditStatement(
        household_id=s.household_id,
        balance=s.balance,
        earned=s.earned,
        spent=s.spent,
        total_weight_g=s.total_weight_g,
        drop_offs=Page[DropOffRead].of([views.drop_off(d) for d in s.drop_offs], s.total, paging),
        redemptions=Page[RedemptionRead].of(
            [views.redemption(r) for r in s.redemptions], s.redemptions_total, paging
        ),
    )
