"""Grants: a role over a place. Every change is audited and published."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from identity.api.deps import AccountAdmin, GrantsDep
from identity.auth.schemas import GrantCreate, GrantRead
from sc_core.api import Page, Paging

router = APIRouter(tags=["grants"])


@router.get("/api/v1/grants", summary="Grants in your communities")
async def list_grants(
    who: AccountAdmin,
    grants: GrantsDep,
    paging: Paging,
    account_id: uuid.UUID | None = None,
    role: Annotated[str | None, Query(max_length=32)] = None,
) -> Page[GrantRead]:
    rows, total = await grants.page(who, paging, account_id=account_id, role=role)
    return Page.of([GrantRead.model_validate(r) for r in rows], total, paging)


@router.post("/api/v1/grants", status_code=201, summary="Give an account a role over a place")
async def create_grant(body: GrantCreate, who: AccountAdmin, grants: GrantsDep) -> GrantRead:
    return GrantRead.model_validate(await grants.create(who, body))


@router.delete("/api/v1/grants/{grant_id}", status_code=204, summary="Take a grant away")
async def delete_grant(grant_id: uuid.UUID, who: AccountAdmin, grants: GrantsDep) -> Response:
    await grants.delete(who, grant_id)
    return Response(status_code=204)
