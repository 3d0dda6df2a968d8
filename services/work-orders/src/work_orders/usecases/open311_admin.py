"""What platform admins manage for Open311 (ADR 0035): the API clients (a key issued once
and kept as its SHA-256, the communities each may file into, revoked at will) and the
places a request may fall in (a community or building, its position, reach and standard
address code)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from sc_core.api import PageParams, fetch_page
from sc_core.auth import Caller
from sc_core.db.engine import Database
from sc_core.errors import NotFound, Problem
from work_orders.api.schemas.open311 import Open311ClientCreate, Open311PlaceWrite
from work_orders.db.models import Open311Client, Open311Place
from work_orders.domain.open311 import key_hash


@dataclass(frozen=True)
class Issued:
    client: Open311Client
    api_key: str  # shown once


def _client_not_found() -> NotFound:
    return NotFound(
        "open311.client_not_found", "No such Open311 client", zh="没有这个 Open311 接入方"
    )


class Open311Clients:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def issue(self, who: Caller, body: Open311ClientCreate) -> Issued:
        prefix = secrets.token_hex(4)
        api_key = f"o311_{prefix}_{secrets.token_urlsafe(32)}"
        async with self.db.uow() as uow:
            client = Open311Client(
                id=uuid.uuid4(),
                name=body.name,
                key_hash=key_hash(api_key),
                key_prefix=f"o311_{prefix}",
                community_ids=sorted(set(body.community_ids)),
                active=True,
                created_by=who.subject,
                created_at=datetime.now(UTC),
            )
            uow.session.add(client)
            await uow.session.flush()
            await uow.audit(
                who,
                "open311_client.issue",
                "open311_client",
                str(client.id),
                detail={"name": client.name, "communities": ",".join(client.community_ids)},
            )
            await uow.commit()
            return Issued(client, api_key)

    async def page(self, paging: PageParams) -> tuple[list[Open311Client], int]:
        query = select(Open311Client).order_by(Open311Client.created_at, Open311Client.id)
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query, paging)

    async def revoke(self, who: Caller, client_id: uuid.UUID) -> Open311Client:
        async with self.db.uow() as uow:
            client = await uow.session.get(Open311Client, client_id, with_for_update=True)
            if client is None:
                raise _client_not_found()
            if client.active:
                client.active = False
                client.revoked_at = datetime.now(UTC)
            await uow.audit(who, "open311_client.revoke", "open311_client", str(client.id))
            await uow.commit()
            return client


class Open311Places:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def put(self, who: Caller, place_id: str, body: Open311PlaceWrite) -> Open311Place:
        if body.building_id is not None and body.building_id != place_id:
            raise Problem(
                422,
                "open311.place_id_mismatch",
                "A building's place id is its building_id",
                zh="楼栋地点的编号须与 building_id 相同",
            )
        if body.building_id is None and body.community_id != place_id:
            raise Problem(
                422,
                "open311.place_id_mismatch",
                "A community's place id is its community_id",
                zh="社区地点的编号须与 community_id 相同",
            )
        async with self.db.uow() as uow:
            if body.address_code is not None:
                taken = await uow.session.scalar(
                    select(Open311Place.place_id).where(
                        Open311Place.address_code == body.address_code,
                        Open311Place.place_id != place_id,
                    )
                )
                if taken is not None:
                    raise Problem(
                        409,
                        "open311.address_code_taken",
                        "Another place has this standard address code",
                        zh="该标准地址编码已属于另一个地点",
                    )
            row = await uow.session.get(Open311Place, place_id, with_for_update=True)
            if row is None:
                row = Open311Place(place_id=place_id)
                uow.session.add(row)
            for key, value in body.model_dump().items():
                setattr(row, key, value)
            row.updated_at = datetime.now(UTC)
            await uow.session.flush()
            await uow.audit(
                who, "open311_place.put", "open311_place", place_id, community_id=body.community_id
            )
            await uow.commit()
            return row

    async def page(
        self, paging: PageParams, community_id: str | None = None
    ) -> tuple[list[Open311Place], int]:
        query = select(Open311Place)
        if community_id is not None:
            query = query.where(Open311Place.community_id == community_id)
        query = query.order_by(Open311Place.community_id, Open311Place.place_id)
        async with self.db.uow(read_only=True) as uow:
            return await fetch_page(uow.session, query, paging)
