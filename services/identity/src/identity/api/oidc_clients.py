"""Relying parties (OpenID Connect clients): registered and changed by platform admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from identity.api.deps import ClientsDep, PlatformAdmin
from identity.oidc.clients import ClientCreate, ClientCreated, ClientRead, ClientUpdate
from sc_core.api import Page, Paging

router = APIRouter(tags=["oidc-clients"])
ClientId = Annotated[str, Path(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]


@router.get("/api/v1/oidc/clients", summary="Registered OpenID Connect clients")
async def list_clients(_: PlatformAdmin, clients: ClientsDep, paging: Paging) -> Page[ClientRead]:
    rows, total = await clients.page(paging)
    return Page.of([ClientRead.of(r) for r in rows], total, paging)


@router.post(
    "/api/v1/oidc/clients", status_code=201, summary="Register a client (secret shown once)"
)
async def register_client(
    body: ClientCreate, who: PlatformAdmin, clients: ClientsDep
) -> ClientCreated:
    row, secret = await clients.register(who, body)
    return ClientCreated(**ClientRead.of(row).model_dump(), client_secret=secret)


@router.get("/api/v1/oidc/clients/{client_id}", summary="One client")
async def get_client(client_id: ClientId, _: PlatformAdmin, clients: ClientsDep) -> ClientRead:
    return ClientRead.of(await clients.get(client_id))


@router.patch("/api/v1/oidc/clients/{client_id}", summary="Change a client's names, URIs, status")
async def update_client(
    client_id: ClientId, body: ClientUpdate, who: PlatformAdmin, clients: ClientsDep
) -> ClientRead:
    return ClientRead.of(await clients.update(who, client_id, body))
