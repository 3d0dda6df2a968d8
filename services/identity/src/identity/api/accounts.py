"""Accounts of people and of systems (service accounts with client credentials)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from identity.api.deps import AccountAdmin, AccountsDep, PlatformAdmin
from identity.auth import accounts as acc
from identity.auth.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    ServiceAccountCreate,
    ServiceAccountCreated,
)
from sc_core.api import Page, Paging, page_json
from sc_core.privacy import Revealed, RevealRequest

router = APIRouter(tags=["accounts"])


@router.post("/api/v1/accounts", status_code=201, summary="Create a person's account")
async def create_account(
    body: AccountCreate, who: AccountAdmin, accounts: AccountsDep
) -> AccountRead:
    account, grants = await accounts.create(who, body)
    return acc.read(account, grants, who.principal)


@router.get("/api/v1/accounts", response_model=Page[AccountRead], summary="Accounts you manage")
async def list_accounts(
    who: AccountAdmin,
    accounts: AccountsDep,
    paging: Paging,
    username: Annotated[str | None, Query(max_length=64, description="prefix")] = None,
) -> Response:
    """Mobiles masked for every role (reveal one with a purpose); the read is audited."""
    items, total = await accounts.page(who, paging, username=username)
    return Response(page_json(items, total, paging), media_type="application/json")


@router.get("/api/v1/accounts/{account_id}", summary="One account and its grants")
async def get_account(
    account_id: uuid.UUID, who: AccountAdmin, accounts: AccountsDep
) -> AccountRead:
    return await accounts.get(who, account_id)


@router.post(
    "/api/v1/accounts/{account_id}/reveal",
    summary="Show an account's mobile, for a stated purpose (audited)",
)
async def reveal_account(
    account_id: uuid.UUID, body: RevealRequest, who: AccountAdmin, accounts: AccountsDep
) -> Revealed:
    return Revealed(field=body.field, value=await accounts.reveal(who, account_id, body))


@router.patch("/api/v1/accounts/{account_id}", summary="Rename, disable or link to a person")
async def update_account(
    account_id: uuid.UUID, body: AccountUpdate, who: AccountAdmin, accounts: AccountsDep
) -> AccountRead:
    account, grants = await accounts.update(who, account_id, body)
    return acc.read(account, grants, who.principal)


@router.post(
    "/api/v1/accounts/{account_id}/unlock", summary="Lift the login waits of an account's names"
)
async def unlock_account(
    account_id: uuid.UUID, who: AccountAdmin, accounts: AccountsDep
) -> AccountRead:
    account, grants = await accounts.unlock(who, account_id)
    return acc.read(account, grants, who.principal)


@router.post("/api/v1/service-accounts", status_code=201, summary="Create an integrator's client")
async def create_service_account(
    body: ServiceAccountCreate, who: PlatformAdmin, accounts: AccountsDep
) -> ServiceAccountCreated:
    (account, grants), secret = await accounts.create_service(who, body)
    read = acc.read(account, grants, who.principal)
    return ServiceAccountCreated(**read.model_dump(), client_secret=secret)
