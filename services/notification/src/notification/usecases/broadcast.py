"""Broadcast endpoints: the speakers and e-screens a community's warnings go to, kept by
the admins of that community (audited)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from notification.api.schemas.broadcast import EndpointCreate
from notification.db.models import broadcast_endpoint
from notification.domain.access import NOTIFICATION_ADMINS
from sc_core.api import PageParams, PageTotal, fetch_page
from sc_core.auth import Caller, Principal, ensure_in_scope, scope_clause
from sc_core.db.engine import Database
from sc_core.errors import Conflict, NotFound

e = broadcast_endpoint.c


class Endpoints:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def page(self, principal: Principal, paging: PageParams) -> tuple[list[Any], PageTotal]:
        """The speakers and screens of my communities."""
        query = select(broadcast_endpoint).where(
            scope_clause(principal, community_col=e.community_id, roles=NOTIFICATION_ADMINS)
        )
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query.order_by(e.name, e.id), paging, rows=True)

    async def create(self, who: Caller, body: EndpointCreate) -> Any:
        ensure_in_scope(who.principal, community_id=body.community_id, roles=NOTIFICATION_ADMINS)
        async with self.db.uow() as uow:
            row = (
                await uow.session.execute(
                    insert(broadcast_endpoint)
                    .values(id=uuid.uuid4(), created_by=who.subject, **body.model_dump())
                    .on_conflict_do_nothing(index_elements=["device_id"])
                    .returning(broadcast_endpoint)
                )
            ).first()
            if row is None:
                raise Conflict(
                    "broadcast.duplicate_device",
                    "That device is already an endpoint",
                    zh="该设备已是广播终端",
                )
            await uow.audit(
                who,
                "broadcast_endpoint.create",
                "broadcast_endpoint",
                str(row.id),
                community_id=body.community_id,
            )
            await uow.commit()
        return row

    async def delete(self, who: Caller, endpoint_id: uuid.UUID) -> None:
        async with self.db.uow() as uow:
            row = (
                await uow.session.execute(select(broadcast_endpoint).where(e.id == endpoint_id))
            ).first()
            if row is None:
                raise NotFound("broadcast.not_found", "No such endpoint", zh="没有这个广播终端")
            ensure_in_scope(who.principal, community_id=row.community_id, roles=NOTIFICATION_ADMINS)
            await uow.session.execute(broadcast_endpoint.delete().where(e.id == endpoint_id))
            await uow.audit(
                who,
                "broadcast_endpoint.delete",
                "broadcast_endpoint",
                str(endpoint_id),
                community_id=row.community_id,
            )
            await uow.commit()
