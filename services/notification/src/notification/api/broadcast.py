"""Broadcast endpoints: the speakers and e-screens a community's warnings go to."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from notification.api.deps import ADMINS, Admin, EndpointsDep
from notification.api.schemas.broadcast import EndpointCreate, EndpointRead
from sc_core.api import Page, Paging

router = APIRouter(tags=["broadcast"])


def _read(row: object) -> EndpointRead:
    return EndpointRead.model_validate(row, from_attributes=True)


@router.get("/api/v1/broadcast-endpoints", summary="Speakers and screens of my communities")
async def list_endpoints(
    principal: ADMINS, endpoints: EndpointsDep, paging: Paging
) -> Page[EndpointRead]:
    rows, total = await endpoints.page(principal, paging)
    return Page[EndpointRead].of([_read(x) for x in rows], total, paging)


@router.post("/api/v1/broadcast-endpoints", status_code=201, summary="Add a speaker or screen")
async def create_endpoint(
    body: EndpointCreate, who: Admin, endpoints: EndpointsDep
) -> EndpointRead:
    return _read(await endpoints.create(who, body))


@router.delete(
    "/api/v1/broadcast-endpoints/{endpoint_id}", status_code=204, summary="Remove an endpoint"
)
async def delete_endpoint(endpoint_id: uuid.UUID, who: Admin, endpoints: EndpointsDep) -> Response:
    await endpoints.delete(who, endpoint_id)
    return Response(status_code=204)
