"""Open311 clients and places: platform admins issue and revoke the API keys of city
platforms and hotlines, and register the places (position, reach, standard address code)
their requests may fall in (ADR 0035)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from sc_core.api import Page, Paging
from work_orders.api.deps import Open311ClientsDep, Open311PlacesDep, PlatformAdmin
from work_orders.api.schemas.open311 import (
    Open311ClientCreate,
    Open311ClientIssued,
    Open311ClientRead,
    Open311PlaceRead,
    Open311PlaceWrite,
)
from work_orders.db.models import Open311Client, Open311Place

router = APIRouter(prefix="/api/v1", tags=["open311 clients"])


def _client(row: Open311Client) -> Open311ClientRead:
    return Open311ClientRead(
        id=row.id,
        name=row.name,
        key_prefix=row.key_prefix,
        community_ids=list(row.community_ids),
        active=row.active,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def _place(row: Open311Place) -> Open311PlaceRead:
    return Open311PlaceRead(
        place_id=row.place_id,
        community_id=row.community_id,
        building_id=row.building_id,
        name=row.name,
        address_code=row.address_code,
        longitude=row.longitude,
        latitude=row.latitude,
        radius_m=row.radius_m,
        timezone=row.timezone,
        agency=row.agency,
        updated_at=row.updated_at,
    )


@router.post(
    "/open311-clients",
    status_code=201,
    response_model=Open311ClientIssued,
    summary="Issue an Open311 API key",
)
async def issue_open311_client(
    body: Open311ClientCreate, who: PlatformAdmin, clients: Open311ClientsDep
) -> Open311ClientIssued:
    """A client (a city platform, a 12345 hotline) and the communities it may file into;
    the answer holds its ``api_key``, shown this once (only its SHA-256 is kept)."""
    issued = await clients.issue(who, body)
    return Open311ClientIssued(**_client(issued.client).model_dump(), api_key=issued.api_key)


@router.get("/open311-clients", response_model=Page[Open311ClientRead], summary="Open311 clients")
async def list_open311_clients(
    who: PlatformAdmin, clients: Open311ClientsDep, paging: Paging
) -> Page[Open311ClientRead]:
    rows, total = await clients.page(paging)
    return Page[Open311ClientRead].of([_client(r) for r in rows], total, paging)


@router.post(
    "/open311-clients/{client_id}/revoke",
    response_model=Open311ClientRead,
    summary="Revoke an Open311 API key",
)
async def revoke_open311_client(
    client_id: uuid.UUID, who: PlatformAdmin, clients: Open311ClientsDep
) -> Open311ClientRead:
    """Its key is refused from now on (403); the cases it filed stay."""
    return _client(await clients.revoke(who, client_id))


@router.put(
    "/open311-places/{place_id}",
    response_model=Open311PlaceRead,
    summary="Register a place Open311 requests may fall in",
)
async def put_open311_place(
    place_id: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")],
    body: Open311PlaceWrite,
    who: PlatformAdmin,
    places: Open311PlacesDep,
) -> Open311PlaceRead:
    """A community (``place_id`` = its ``community_id``) or a building (= its
    ``building_id``): position (WGS-84), reach in metres, standard address code, time
    zone, the agency responsible. A request at a point goes to the nearest place whose
    reach holds it."""
    return _place(await places.put(who, place_id, body))


@router.get("/open311-places", response_model=Page[Open311PlaceRead], summary="Open311 places")
async def list_open311_places(
    who: PlatformAdmin,
    places: Open311PlacesDep,
    paging: Paging,
    community_id: Annotated[
        str | None, Query(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f]+$")
    ] = None,
) -> Page[Open311PlaceRead]:
    rows, total = await places.page(paging, community_id)
    return Page[Open311PlaceRead].of([_place(r) for r in rows], total, paging)
