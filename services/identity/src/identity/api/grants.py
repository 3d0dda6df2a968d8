"""Grants: a role over a place. Every change is audited and published."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import ColumnElement, select, true

from identity.auth import accounts as acc
from identity.auth import grants as grant_ops
from identity.auth.schemas import GrantCreate, GrantRead
from identity.db.auth import Grant
from identity.roles import ACCOUNT_ADMINS, COMMUNITY_ADMIN
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import Principal, require_roles
from sc_core.errors import NotFound

router = APIRouter(tags=["grants"])
Admin = Annotated[Principal, Depends(require_roles(*sorted(ACCOUNT_ADMINS)))]


def _visible(principal: Principal) -> ColumnElement[bool]:
    if principal.is_platform_admin:
        return true()
    ids = [uuid.UUID(c) for c in principal.scope_ids("community", [COMMUNITY_ADMIN])]
    return Grant.community_id.in_(ids)


@router.get("/api/v1/grants", summary="Grants in your communities")
async def list_grants(
    admin: Admin,
    uow: UnitOfWorkDep,
    paging: Paging,
    account_id: uuid.UUID | None = None,
    role: Annotated[str | None, Query(max_length=32)] = None,
) -> Page[GrantRead]:
    query = select(Grant).where(_visible(admin)).order_by(Grant.created_at, Grant.id)
    if account_id is not None:
        query = query.where(Grant.account_id == account_id)
    if role:
        query = query.where(Grant.role == role)
    rows, total = await fetch_page(uow.session, query, paging)
    return Page.of([GrantRead.model_validate(r) for r in rows], total, paging)


@router.post("/api/v1/grants", status_code=201, summary="Give an account a role over a place")
async def create_grant(
    body: GrantCreate, admin: Admin, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> GrantRead:
    account = await acc.load_for_grant(uow, admin, body.account_id)
    row = await grant_ops.grant(
        uow,
        auditor,
        admin,
        request,
        account=account,
        role=body.role,
        scope_type=body.scope_type,
        scope_id=body.scope_id,
    )
    await uow.commit()
    return GrantRead.model_validate(row)


@router.delete("/api/v1/grants/{grant_id}", status_code=204, summary="Take a grant away")
async def delete_grant(
    grant_id: uuid.UUID, admin: Admin, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> Response:
    row = await uow.session.get(Grant, grant_id)
    if row is None:
        raise NotFound("grant.not_found", "No such grant")
    await grant_ops.revoke(uow, auditor, admin, request, row)
    await uow.commit()
    return Response(status_code=204)
