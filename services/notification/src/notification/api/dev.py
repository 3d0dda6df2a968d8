"""``GET /api/v1/dev/sink``: what the development providers (push, SMS, voice) would have
sent. Platform admins only; the numbers are masked unless the caller's grade shows them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy import select

from notification.api.deps import PlatformAdmin
from notification.db.models import dev_sink
from sc_core.api import AuditorDep, Page, Paging, UnitOfWorkDep, fetch_page
from sc_core.privacy import Sensitive, mask_model

router = APIRouter(tags=["development"])
s = dev_sink.c


class SinkRecord(BaseModel):
    id: int
    channel: str
    delivery_id: uuid.UUID
    recipient_id: str
    address: Annotated[str | None, Sensitive("mobile")]
    title: str
    body: str
    attempt: int
    created_at: datetime


@router.get("/api/v1/dev/sink", summary="What push, SMS and voice would have sent (dev sink)")
async def list_sink(
    principal: PlatformAdmin,
    uow: UnitOfWorkDep,
    paging: Paging,
    auditor: AuditorDep,
    request: Request,
    channel: Literal["push", "sms", "voice"] | None = None,
    recipient_id: str | None = Query(None, max_length=128),
) -> Page[SinkRecord]:
    query = select(dev_sink)
    if channel:
        query = query.where(s.channel == channel)
    if recipient_id:
        query = query.where(s.recipient_id == recipient_id)
    rows, total = await fetch_page(uow.session, query.order_by(s.id.desc()), paging, rows=True)
    items = [
        mask_model(SinkRecord.model_validate(x, from_attributes=True), principal.grade)
        for x in rows
    ]
    await auditor.record(
        action="dev_sink.read",
        resource_type="dev_sink",
        principal=principal,
        request=request,
        detail={"channel": channel or "*", "rows": str(len(items))},
    )
    return Page[SinkRecord].of(items, total, paging)
