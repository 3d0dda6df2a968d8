"""Broadcast endpoints: the speakers and e-screens a community's warnings go to."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from notification.api.deps import ADMINS, NOTIFICATION_ADMINS
from notification.db.models import broadcast_endpoint
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import ensure_in_scope, scope_clause
from sc_core.errors import Conflict, NotFound

router = APIRouter(tags=["broadcast"])
e = broadcast_endpoint.c


class EndpointCreate(BaseModel):
    device_id: str = Field(min_length=1, max_length=64, description="device-ingestion's id")
    device_type: Literal["voice_speaker", "e_screen"]
    name: str = Field(min_length=1, max_length=200)
    community_id: str = Field(min_length=1, max_length=64)
    building_id: str | None = Field(default=None, min_length=1, max_length=64)


class EndpointRead(EndpointCreate):
    id: uuid.UUID
    created_at: datetime


@router.get("/api/v1/broadcast-endpoints", summary="Speakers and screens of my communities")
async def list_endpoints(
    principal: ADMINS, uow: UnitOfWorkDep, paging: Paging
) -> Page[EndpointRead]:
    query = select(broadcast_endpoint).where(
        scope_clause(principal, community_col=e.community_id, roles=NOTIFICATION_ADMINS)
    )
    rows, total = await fetch_page(uow.session, query.order_by(e.name, e.id), paging, rows=True)
    return Page[EndpointRead].of(
        [EndpointRead.model_validate(x, from_attributes=True) for x in rows], total, paging
    )


@router.post("/api/v1/broadcast-endpoints", status_code=201, summary="Add a speaker or screen")
async def create_endpoint(
    body: EndpointCreate,
    principal: ADMINS,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> EndpointRead:
    ensure_in_scope(principal, community_id=body.community_id, roles=NOTIFICATION_ADMINS)
    row = (
        await uow.session.execute(
            insert(broadcast_endpoint)
            .values(id=uuid.uuid4(), created_by=principal.subject, **body.model_dump())
            .on_conflict_do_nothing(index_elements=["device_id"])
            .returning(broadcast_endpoint)
        )
    ).first()
    if row is None:
        raise Conflict("broadcast.duplicate_device", "That device is already an endpoint")
    await auditor.within(
        uow,
        action="broadcast_endpoint.create",
        resource_type="broadcast_endpoint",
        resource_id=str(row.id),
        principal=principal,
        request=request,
        community_id=body.community_id,
    )
    await uow.commit()
    return EndpointRead.model_validate(row, from_attributes=True)


@router.delete(
    "/api/v1/broadcast-endpoints/{endpoint_id}", status_code=204, summary="Remove an endpoint"
)
async def delete_endpoint(
    endpoint_id: uuid.UUID,
    principal: ADMINS,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
) -> Response:
    row = (await uow.session.execute(select(broadcast_endpoint).where(e.id == endpoint_id))).first()
    if row is None:
        raise NotFound("broadcast.not_found", "No such endpoint")
    ensure_in_scope(principal, community_id=row.community_id, roles=NOTIFICATION_ADMINS)
    await uow.session.execute(broadcast_endpoint.delete().where(e.id == endpoint_id))
    await auditor.within(
        uow,
        action="broadcast_endpoint.delete",
        resource_type="broadcast_endpoint",
        resource_id=str(endpoint_id),
        principal=principal,
        request=request,
        community_id=row.community_id,
    )
    await uow.commit()
    return Response(status_code=204)
