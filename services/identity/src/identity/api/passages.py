"""Tracing a person's passages backwards (6.1.2 d): police and community admins only,
within their communities; every query is audited, denied ones too."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from identity.access.schemas import PassageRead
from identity.api.deps import PassagesDep
from identity.usecases.passages import PassageQuery
from sc_core.api import Page, Paging
from sc_core.auth import CurrentCaller
from sc_core.privacy import mask_model
from sc_core.schema import Instant

router = APIRouter(tags=["passages"])


@router.get("/api/v1/passages", summary="Passages by ID number, phone, face id or time window")
async def list_passages(
    who: CurrentCaller,
    passages: PassagesDep,
    paging: Paging,
    id_number: Annotated[str | None, Query(max_length=32)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
    face_id: Annotated[str | None, Query(max_length=128)] = None,
    since: Annotated[Instant | None, Query(alias="from")] = None,
    until: Annotated[Instant | None, Query(alias="to")] = None,
    community_id: uuid.UUID | None = None,
    door_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[PassageRead]:
    wanted = PassageQuery(id_number, phone, face_id, since, until, community_id, door_id)
    rows, total = await passages.search(who, wanted, paging)
    grade = who.principal.grade
    return Page.of([mask_model(PassageRead.model_validate(r), grade) for r in rows], total, paging)
