"""Relying parties (OpenID Connect clients), registered and changed by platform admins;
every change audited."""

from __future__ import annotations

from sqlalchemy import select

from identity.db.oidc import OidcClient
from identity.oidc import clients
from identity.oidc.clients import ClientCreate, ClientUpdate
from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database


class Clients:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(self, paging: PageParams) -> tuple[list[OidcClient], int]:
        query = select(OidcClient).order_by(OidcClient.created_at, OidcClient.client_id)
        async with self.db.uow(read_only=True) as uow:
            rows, total = await fetch_page(uow.session, query, paging)
            return list(rows), total

    async def get(self, client_id: str) -> OidcClient:
        async with self.db.uow(read_only=True) as uow:
            return await clients.load(uow, client_id)

    async def register(self, who: Caller, body: ClientCreate) -> tuple[OidcClient, str | None]:
        """The client and its secret (shown once; None for a public client)."""
        async with self.db.uow() as uow:
            row, secret = await clients.register(uow, body, who.subject)
            await uow.audit(
                who,
                "oidc.client_registered",
                "oidc_client",
                row.client_id,
                detail={"public": str(body.public), "first_party": str(body.first_party)},
            )
            await uow.commit()
            return row, secret

    async def update(self, who: Caller, client_id: str, body: ClientUpdate) -> OidcClient:
        async with self.db.uow() as uow:
            row = await clients.load(uow, client_id)
            changed = clients.update(row, body)
            await uow.audit(
                who,
                "oidc.client_updated",
                "oidc_client",
                client_id,
                detail={"fields": ",".join(changed)},
            )
            await uow.commit()
            return row
