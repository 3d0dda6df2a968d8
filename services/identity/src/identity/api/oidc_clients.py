"""Relying parties (OpenID Connect clients): registered and changed by platform admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy import select

from identity.db.oidc import OidcClient
from identity.oidc import clients
from identity.oidc.clients import ClientCreate, ClientCreated, ClientRead, ClientUpdate
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import Principal, require_roles

router = APIRouter(tags=["oidc-clients"])
Admin = Annotated[Principal, Depends(require_roles("platform_admin"))]
ClientId = Annotated[str, Path(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]


@router.get("/api/v1/oidc/clients", summary="Registered OpenID Connect clients")
async def list_clients(_: Admin, uow: UnitOfWorkDep, paging: Paging) -> Page[ClientRead]:
    query = select(OidcClient).order_by(OidcClient.created_at, OidcClient.client_id)
    rows, total = await fetch_page(uow.session, query, paging)
    return Page.of([ClientRead.of(r) for r in rows], total, paging)


@router.post(
    "/api/v1/oidc/clients", status_code=201, summary="Register a client (secret shown once)"
)
async def register_client(
    body: ClientCreate, admin: Admin, uow: UnitOfWorkDep, auditor: AuditorDep, request: Request
) -> ClientCreated:
    row, secret = await clients.register(uow, body, admin.subject)
    await auditor.within(
        uow,
        action="oidc.client_registered",
        resource_type="oidc_client",
        resource_id=row.client_id,
        principal=admin,
        request=request,
        detail={"public": str(body.public), "first_party": str(body.first_party)},
    )
    await uow.commit()
    return ClientCreated(**ClientRead.of(row).model_dump(), client_secret=secret)


@router.get("/api/v1/oidc/clients/{client_id}", summary="One client")
async def get_client(client_id: ClientId, _: Admin, uow: UnitOfWorkDep) -> ClientRead:
    return ClientRead.of(await clients.load(uow, client_id))


@router.patch("/api/v1/oidc/clients/{client_id}", summary="Change a client's names, URIs, status")
async def update_client(
    client_id: ClientId,
    body: ClientUpdate,
    admin: Admin,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> ClientRead:
    row = await clients.load(uow, client_id)
    changed = clients.update(row, body)
    await auditor.within(
        uow,
        action="oidc.client_updated",
        resource_type="oidc_client",
        resource_id=client_id,
        principal=admin,
        request=request,
        detail={"fields": ",".join(changed)},
    )
    await uow.commit()
    return ClientRead.of(row)
