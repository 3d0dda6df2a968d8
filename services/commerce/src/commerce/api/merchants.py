"""Merchants (商户): register, change, verify or reject, list, read one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from commerce.api import views
from commerce.api.deps import MerchantsDep
from commerce.api.schemas.merchants import MerchantCreate, MerchantRead, MerchantUpdate, Review
from sc_contracts.events import MerchantStatus
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.industry import IndustrySection

router = APIRouter(prefix="/api/v1/commerce/merchants", tags=["commerce merchants"])


@router.post("", status_code=201, response_model=MerchantRead, summary="Register my shop")
async def register(
    body: MerchantCreate, who: CurrentCaller, merchants: MerchantsDep
) -> MerchantRead:
    return views.merchant(await merchants.register(who, body))


@router.get(
    "",
    response_model=Page[MerchantRead],
    summary="Merchants: my community's (staff), my own (merchant), verified ones (residents)",
)
async def list_merchants(
    who: CurrentCaller,
    merchants: MerchantsDep,
    paging: Paging,
    status: MerchantStatus | None = None,
    category: Annotated[str | None, Query(max_length=32)] = None,
    industry_section: Annotated[
        IndustrySection | None, Query(description="GB/T 4754-2017 section (门类) A-T")
    ] = None,
) -> Page[MerchantRead]:
    rows, total = await merchants.page(
        who, paging, status=status, category=category, industry_section=industry_section
    )
    return Page[MerchantRead].of([views.merchant(r) for r in rows], total, paging)


@router.get("/{merchant_id}", response_model=MerchantRead, summary="A merchant")
async def get_merchant(
    merchant_id: uuid.UUID,
    who: CurrentCaller,
    merchants: MerchantsDep,
    reveal_phone: Annotated[
        bool, Query(description="Staff: show the phone in full (the read is audited)")
    ] = False,
) -> MerchantRead:
    return views.merchant(await merchants.get(who, merchant_id, reveal=reveal_phone))


@router.patch("/{merchant_id}", response_model=MerchantRead, summary="Change my shop")
async def update(
    merchant_id: uuid.UUID, body: MerchantUpdate, who: CurrentCaller, merchants: MerchantsDep
) -> MerchantRead:
    return views.merchant(await merchants.update(who, merchant_id, body))


@router.post("/{merchant_id}/verify", response_model=MerchantRead, summary="Verify (staff)")
async def verify(
    merchant_id: uuid.UUID, who: CurrentCaller, merchants: MerchantsDep, body: Review | None = None
) -> MerchantRead:
    note = body.note if body else None
    return views.merchant(await merchants.review(who, merchant_id, verified=True, note=note))


@router.post("/{merchant_id}/reject", response_model=MerchantRead, summary="Reject (staff)")
async def reject(
    merchant_id: uuid.UUID, body: Review, who: CurrentCaller, merchants: MerchantsDep
) -> MerchantRead:
    return views.merchant(await merchants.review(who, merchant_id, verified=False, note=body.note))
