"""Accounts of people and of systems (service accounts with client credentials)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from identity.api.deps import SettingsDep
from identity.auth import accounts as acc
from identity.auth import grants as grant_ops
from identity.auth.passwords import hash_password_async, new_secret
from identity.auth.revoked import access_revoked
from identity.auth.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    GrantBody,
    ServiceAccountCreate,
    ServiceAccountCreated,
)
from identity.auth.throttling import forget_names
from identity.db.auth import Account
from identity.roles import ACCOUNT_ADMINS
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.audit import Auditor
from sc_core.auth import Principal, require_roles
from sc_core.db.uow import UnitOfWork
from sc_core.privacy import Revealed, RevealRequest, reveal_detail, revealable

router = APIRouter(tags=["accounts"])
Admin = Annotated[Principal, Depends(require_roles(*sorted(ACCOUNT_ADMINS)))]
PlatformAdmin = Annotated[Principal, Depends(require_roles("platform_admin"))]


async def _grant_all(
    uow: UnitOfWork,
    auditor: Auditor,
    principal: Principal,
    request: Request,
    account: Account,
    grants: list[GrantBody],
) -> None:
    for g in grants:
        await grant_ops.grant(
            uow,
            auditor,
            principal,
            request,
            account=account,
            role=g.role,
            scope_type=g.scope_type,
            scope_id=g.scope_id,
        )


async def _audit(
    uow: UnitOfWork,
    auditor: Auditor,
    principal: Principal,
    request: Request,
    action: str,
    account: Account,
) -> None:
    await auditor.within(
        uow,
        action=action,
        resource_type="account",
        resource_id=str(account.id),
        principal=principal,
        request=request,
    )


@router.post("/api/v1/accounts", status_code=201, summary="Create a person's account")
async def create_account(
    body: AccountCreate, admin: Admin, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> AccountRead:
    account = Account(
        username=body.username,
        display_name=body.display_name,
        password_hash=await hash_password_async(body.password),
        person_id=body.person_id,
        created_by=admin.subject,
    )
    acc.set_mobile(account, body.mobile)
    uow.session.add(account)
    await acc.flush_unique(uow)
    await _grant_all(uow, auditor, admin, request, account, body.grants)
    await _audit(uow, auditor, admin, request, "account.create", account)
    await uow.commit()
    grants = (await acc.grants_of(uow, [account.id]))[account.id]
    return acc.read(account, grants, admin)


@router.get("/api/v1/accounts", summary="Accounts you manage")
async def list_accounts(
    admin: Admin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
    paging: Paging,
    username: Annotated[str | None, Query(max_length=64, description="prefix")] = None,
) -> Page[AccountRead]:
    """Mobiles masked for every role (reveal one with a purpose); the read is audited."""
    query = select(Account).where(acc.visible_clause(admin)).order_by(Account.username)
    if username:
        query = query.where(Account.username.startswith(username, autoescape=True))
    rows, total = await fetch_page(uow.session, query, paging)
    grants = await acc.grants_of(uow, [a.id for a in rows])
    await _audit_read(auditor, admin, request, None, {"count": str(len(rows))})
    return Page.of([acc.read(a, grants[a.id], admin, listing=True) for a in rows], total, paging)


@router.get("/api/v1/accounts/{account_id}", summary="One account and its grants")
async def get_account(
    account_id: uuid.UUID, admin: Admin, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> AccountRead:
    account = await acc.load_visible(uow, admin, account_id)
    read = acc.read(account, (await acc.grants_of(uow, [account.id]))[account.id], admin)
    shown = read.mobile is not None and read.mobile == account.mobile
    await _audit_read(auditor, admin, request, account, {"mobile_shown": str(shown).lower()})
    return read


@router.post(
    "/api/v1/accounts/{account_id}/reveal",
    summary="Show an account's mobile, for a stated purpose (audited)",
)
async def reveal_account(
    account_id: uuid.UUID,
    body: RevealRequest,
    admin: Admin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> Revealed:
    account = await acc.load_visible(uow, admin, account_id)
    own = str(account.id) == admin.subject
    revealable(AccountRead, body.field, admin.grade, self_or_household=own)
    await auditor.within(
        uow,
        action="account.reveal",
        resource_type="account",
        resource_id=str(account.id),
        principal=admin,
        request=request,
        detail=reveal_detail(body),
    )
    await uow.commit()
    return Revealed(field=body.field, value=getattr(account, body.field))


async def _audit_read(
    auditor: AuditorDep,
    admin: Principal,
    request: Request,
    account: Account | None,
    detail: dict[str, str],
) -> None:
    """Reads of accounts (who holds which role, their mobiles) are audited."""
    await auditor.record(
        action="account.read_sensitive",
        resource_type="account",
        resource_id=str(account.id) if account else None,
        principal=admin,
        request=request,
        detail=detail,
    )


@router.patch("/api/v1/accounts/{account_id}", summary="Rename, disable or link to a person")
async def update_account(
    account_id: uuid.UUID,
    body: AccountUpdate,
    admin: Admin,
    settings: SettingsDep,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> AccountRead:
    account = await acc.load_visible(uow, admin, account_id)
    await acc.ensure_may_manage(uow, admin, account)
    was = account.status
    for name, value in body.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(account, name, value)
    if was == "active" and account.status == "disabled":
        # its access tokens are refused at every verifier within seconds (issue 30.7)
        await access_revoked(
            uow,
            settings,
            account.id,
            session_id=None,
            reason="account_disabled",
            now=datetime.now(UTC),
        )
    await _audit(uow, auditor, admin, request, "account.update", account)
    await uow.commit()
    return acc.read(account, (await acc.grants_of(uow, [account.id]))[account.id], admin)


@router.post(
    "/api/v1/accounts/{account_id}/unlock", summary="Lift the login waits of an account's names"
)
async def unlock_account(
    account_id: uuid.UUID, admin: Admin, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> AccountRead:
    account = await acc.load_visible(uow, admin, account_id)
    await acc.ensure_may_manage(uow, admin, account)
    account.failed_logins, account.locked_until = 0, None
    await forget_names(uow, account.username, account.mobile)
    await _audit(uow, auditor, admin, request, "account.unlock", account)
    await uow.commit()
    return acc.read(account, (await acc.grants_of(uow, [account.id]))[account.id], admin)


@router.post("/api/v1/service-accounts", status_code=201, summary="Create an integrator's client")
async def create_service_account(
    body: ServiceAccountCreate,
    admin: PlatformAdmin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> ServiceAccountCreated:
    secret = new_secret()
    account = Account(
        username=body.client_id,
        kind="service",
        display_name=body.display_name,
        password_hash=await hash_password_async(secret),
        created_by=admin.subject,
    )
    uow.session.add(account)
    await acc.flush_unique(uow)
    await _grant_all(uow, auditor, admin, request, account, body.grants)
    await _audit(uow, auditor, admin, request, "service_account.create", account)
    await uow.commit()
    read = acc.read(account, (await acc.grants_of(uow, [account.id]))[account.id], admin)
    return ServiceAccountCreated(**read.model_dump(), client_secret=secret)
