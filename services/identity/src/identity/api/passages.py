"""Tracing a person's passages backwards (6.1.2 d): police and community admins only,
within their communities; every query is audited, denied ones too."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select

from identity.access.passages import person_filter
from identity.access.schemas import PassageRead
from identity.db.access import Passage
from identity.roles import PASSAGE_READERS
from identity.scope import Scope, load_scope
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.auth import CurrentPrincipal
from sc_core.errors import Forbidden, Problem
from sc_core.privacy import mask_model

router = APIRouter(tags=["passages"])


@router.get("/api/v1/passages", summary="Passages by ID number, phone, face id or time window")
async def list_passages(
    principal: CurrentPrincipal,
    uow: UnitOfWorkDep,
    auditor: AuditorDep,
    request: Request,
    paging: Paging,
    id_number: Annotated[str | None, Query(max_length=32)] = None,
    phone: Annotated[str | None, Query(max_length=32)] = None,
    face_id: Annotated[str | None, Query(max_length=128)] = None,
    since: Annotated[datetime | None, Query(alias="from")] = None,
    until: Annotated[datetime | None, Query(alias="to")] = None,
    community_id: uuid.UUID | None = None,
    door_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[PassageRead]:
    by = [n for n, v in (("id_number", id_number), ("phone", phone), ("face_id", face_id)) if v]
    window = f"{since.isoformat() if since else ''}..{until.isoformat() if until else ''}"
    audit = {"by": ",".join(by) or "time_window", "window": window}
    if not principal.has_role(*PASSAGE_READERS):
        await auditor.record(
            action="passage.search",
            resource_type="passage",
            principal=principal,
            request=request,
            outcome="denied",
            detail=audit,
        )
        raise Forbidden("auth.forbidden", "Only police and community admins trace passages")
    if not by and not (since and until):
        raise Problem(
            422, "passage.query_too_broad", "Give an ID number, phone, face id or from+to"
        )
    scope: Scope = await load_scope(uow.session, principal, PASSAGE_READERS)
    query = select(Passage).where(scope.clause(community_col=Passage.community_id))
    who = await person_filter(uow.session, id_number=id_number, phone=phone, face_id=face_id)
    filters = [] if who is None else [who]
    if since is not None:
        filters.append(Passage.occurred_at >= since)
    if until is not None:
        filters.append(Passage.occurred_at < until)
    if community_id is not None:
        filters.append(Passage.community_id == str(community_id))
    if door_id is not None:
        filters.append(Passage.door_id == door_id)
    query = query.where(*filters)
    rows, total = await fetch_page(uow.session, query.order_by(Passage.occurred_at.desc()), paging)
    await auditor.record(
        action="passage.search",
        resource_type="passage",
        principal=principal,
        request=request,
        detail={**audit, "results": str(total)},
    )
    grade = principal.grade
    return Page.of([mask_model(PassageRead.model_validate(r), grade) for r in rows], total, paging)
